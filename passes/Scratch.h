//===- Scratch.h - large stack objects out of the frame -------------------===//
//
// A blocked thread keeps every page of stack it has touched. A large local
// that a thread uses and is done with before it blocks (a buffer filled,
// parsed and dropped) therefore costs its size for as long as the thread
// lives, though nothing in it is needed. This transform moves such objects
// into the runtime's per-worker scratch memory (runtime/sched/scratch.c):
// `__weft_scratch_push` where the object's lifetime starts, `__weft_scratch_pop`
// where it ends, and the frame keeps a pointer instead of the object.
//
// An object moves when:
//   - it is a static alloca of at least `Threshold` bytes, aligned to at
//     most WEFT_SCRATCH_ALIGN (weft/abi.h);
//   - no instruction in its lifetime is a blocking point or a call that may
//     block (the blocking graph's Blocks or Unknown), inline assembly, a
//     call that may throw (the unwinder would leave the lifetime without
//     the pop), or a call that returns twice (setjmp);
//   - its lifetime is well formed: every use and every end lies where the
//     object has surely started, no start where it may have started
//     already, and no return while it may still be alive;
//   - its function is not one a signal handler may run (given to signal()
//     or stored into a `struct sigaction`, or called from one): off a
//     worker the helpers fall back to malloc, which a handler must not call.
// The lifetime is given by Clang's llvm.lifetime.start/end markers, which
// exist when optimising; without them (-O0) it is the whole function, so an
// object moves only out of a function with no such instruction at all.
//
// Between push and pop the thread cannot be switched out (a switch happens
// only at a blocking point), so it stays on its worker and no other thread
// of that worker runs: the runtime's region is a stack, emptied at every
// switch. A longjmp out of a lifetime leaves a push without its pop; the
// next pop of an object below it, or the next switch, takes it back.
//
// Code built with the transform runs without libweft: each object file
// gets linkonce helpers that call the runtime through a weak reference and
// fall back to malloc and free.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_SCRATCH_H
#define WEFT_PASSES_SCRATCH_H

#include "llvm/IR/PassManager.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace weft {

class DiagnosticSink;
struct PendingReport;

/// An object the transform moved.
struct MovedObject {
  std::string Function;
  std::string Variable; // source name when the frontend gave one
  unsigned Line = 0;    // its declaration, 0 if unknown
  uint64_t Bytes = 0;
};

/// Moves the large objects of M that no blocking point can see into
/// scratch memory; returns what it moved, in module order.
std::vector<MovedObject> moveToScratch(llvm::Module &M, llvm::ModuleAnalysisManager &MAM,
                                       uint64_t Threshold);

/// opt -passes='weft-scratch' or 'weft-scratch<scratch-threshold=N>'.
/// With `Sink` and `Stats`, a remark says what moved; with a pending
/// report, its `scratch` list does.
class ScratchPass : public llvm::PassInfoMixin<ScratchPass> {
public:
  explicit ScratchPass(uint64_t Threshold, std::shared_ptr<DiagnosticSink> Sink = nullptr,
                       bool Stats = false, std::shared_ptr<PendingReport> Pending = nullptr)
      : Threshold(Threshold), Sink(std::move(Sink)), Stats(Stats), Pending(std::move(Pending)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  uint64_t Threshold;
  std::shared_ptr<DiagnosticSink> Sink;
  bool Stats;
  std::shared_ptr<PendingReport> Pending;
};

} // namespace weft

#endif
