//===- StackBounds.h - sound bounds on stack frames and call subtrees -----===//
//
// Final frame sizes exist only after code generation. Given the sizes the
// backend produced for a clone of the module (CodegenFrames.h), this
// analysis uses them as they are: exact, so bound / real frame is 1. Without
// them (`frames=ir`, `opt`, a target without a backend) it bounds each
// function's frame from its (final, optimised) IR, choosing soundness over
// tightness:
//
//   frame <= fixed part       return address, every callee-saved register,
//                             the frame pointer, alignment padding
//          + stack objects    every fixed-size alloca, padded to its alignment
//          + spill slots      one slot per SSA value (arguments included),
//                             as large as its type, as if every value were
//                             spilled; a phi also per incoming edge
//          + temporaries      vectors indexed by a variable, first-class
//                             aggregates, the va_list register save area
//          + outgoing args    the largest argument list of any call, byval
//                             copies included
//
// A function with a dynamic alloca has no static bound.
//
// A call costs its caller's stack the callee's frame plus the return
// address. Checkpoints are placed with Capriccio's algorithm on the call graph
// weighted by these bounds: every call inside a cycle (recursion) gets one;
// then, bottom-up, a function's path is its frame plus the longest path of
// a callee reached without a checkpoint, and a call whose callee's path
// would take the caller's past max-path gets a checkpoint that asks for the
// callee's path. Calls to external functions without WEFT_STACK_BOUND (or
// an entry in runtime/libc_stack_bounds.def) and indirect calls get a
// checkpoint that asks for a large segment. The bound of a
// function's *subtree* adds the largest subtree bound among its callees;
// recursion, and calls to external functions without WEFT_STACK_BOUND,
// have none. On a module CheckpointsPass has instrumented already (named
// metadata !weft.linked_stacks), the checkpoints are the calls it marked
// !weft.checkpoint, and the analysis computes what each of them needs on the
// final frames. Soundness is tested against `llvm-readelf --stack-sizes` over
// the test inputs and a few hundred csmith programs
// (test/lit/passes/stack-bounds/).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_STACKBOUNDS_H
#define WEFT_PASSES_STACKBOUNDS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/PassManager.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class CallBase;
class CallGraph;
class Function;
class Module;
class raw_ostream;
} // namespace llvm

namespace weft {

/// A call before which the stack must be checked (and, if the rest of the
/// segment is too small, a new segment linked).
struct Checkpoint {
  llvm::CallBase *Call = nullptr;
  /// Bytes the call needs below the stack pointer; 0 asks for a large
  /// segment (the callee's use is unknown).
  uint64_t NeedBytes = 0;
  enum Kind { Recursion, MaxPath, External, Indirect } Why = MaxPath;
};

struct StackFacts {
  /// Bound on the function's own frame; none with a dynamic alloca.
  std::optional<uint64_t> FrameBytes;
  /// FrameBytes is the backend's own figure, not an estimate.
  bool Exact = false;
  /// Bound on the frame plus everything it calls; none with recursion or an
  /// unbounded callee.
  std::optional<uint64_t> SubtreeBytes;
  /// Why SubtreeBytes is missing, for printing.
  std::string Unbounded;
  /// Longest path from the function's entry to the next checkpoint.
  uint64_t PathBytes = 0;
  std::vector<Checkpoint> Checkpoints;
  /// Recurses into itself and into no other function of the module.
  bool SelfRecursiveOnly = false;
  /// For a thread started on the function, on instrumented code (the
  /// plugin's table of first-segment needs, runtime/stack/needs.c): every
  /// call it can reach is bounded or checked, so PathBytes above the stack
  /// limit and ReserveBytes below it are all its first segment needs.
  bool FirstSegmentKnown = false;
  /// Below the limit: the slack a passed check leaves, the slow path of a
  /// failed one, the frame of a function checked at its entry (the
  /// runtime adds its own frames); 0 when nothing reachable is checked.
  uint64_t ReserveBytes = 0;
  /// Reaches a C++ cleanup or handler: the unwinder runs on the segment.
  bool Unwinds = false;
  /// The stack above the limit that a thread started on the function gets
  /// in its first segment: PathBytes, or more, so that the function's own
  /// checkpoints before calls of small known need (FirstSegmentFoldBytes at
  /// most: read, recv, memmem, malloc) pass. Otherwise a thread that
  /// blocks in such a call from its entry function (a thread per
  /// connection waiting in recv) holds a linked segment besides its first
  /// for as long as it waits, and pays a segment call on every such call.
  uint64_t FirstSegmentBytes = 0;
};

/// The largest need of a call that a thread's first segment makes room
/// for (StackFacts::FirstSegmentBytes).
inline constexpr uint64_t FirstSegmentFoldBytes = 16 * 1024;

class StackBounds {
public:
  /// `Exact`: frame sizes by function name from CodegenFrames.h, if any.
  /// `Typical`: frames not in Exact are typicalFrame (for placement only),
  /// not the sound frameBound.
  explicit StackBounds(llvm::Module &M, uint64_t MaxPath = 2048, uint64_t MinChunk = 4096,
                       const llvm::StringMap<uint64_t> *Exact = nullptr, bool Typical = false);
  const StackFacts *facts(const llvm::Function &F) const;
  /// What a call to F costs the stack: its frame and the return address.
  uint64_t callCost(const StackFacts &SF) const;
  /// The module was instrumented by CheckpointsPass.
  bool instrumented() const { return Instrumented; }
  void print(llvm::raw_ostream &OS) const;
  llvm::Module &module() const { return M; }

private:
  void placeCheckpoints(llvm::CallGraph &CG);
  void firstSegments(llvm::CallGraph &CG);

  llvm::Module &M;
  uint64_t MaxPath, MinChunk;
  bool Instrumented = false;
  llvm::DenseMap<const llvm::Function *, StackFacts> Facts;
};

/// Named metadata on a module CheckpointsPass instrumented, and the kind of
/// the metadata on each call it checks.
inline constexpr const char *LinkedStacksMD = "weft.linked_stacks";
inline constexpr const char *CheckpointMD = "weft.checkpoint";
/// On a checkpoint's out-of-line slow path. It runs only when the check
/// fails, on the reserve the runtime keeps below the limit, so paths do not
/// count it.
inline constexpr const char *SlowPathAttr = "weft-slow-path";
/// On a function that runs only when libweft is not linked (the scratch
/// helpers' heap fallback, Scratch.cpp): then no stack limit is set and no
/// check can fail, so paths do not count it.
inline constexpr const char *WithoutRuntimeAttr = "weft-without-runtime";
/// On a checking trampoline CheckpointsPass makes for calls of one kind: a
/// check, then a tail call of the callee (the call marked !weft.checkpoint)
/// or the slow path.
inline constexpr const char *TrampolineAttr = "weft-trampoline";
/// On a function CheckpointsPass checks at its entry: calls into it from its
/// own cycle are checkpoints.
inline constexpr const char *EntryCheckAttr = "weft-entry-check";

/// Whether F has an entry in the module's table of first-segment needs: a
/// thread can start on it (its address is taken), it is the program's own
/// (not one of the plugin's thunks and slow paths), and everything it
/// reaches is bounded or checked.
bool hasFirstSegmentNeed(const llvm::Function &F, const StackFacts &SF);

/// What a call to an external function may use: its WEFT_STACK_BOUND, else
/// its entry in runtime/libc_stack_bounds.def, else nothing known.
std::optional<uint64_t> externalBound(const llvm::Function &F);

/// The frame bound of one function, as described above.
std::optional<uint64_t> frameBound(const llvm::Function &F);

/// A typical frame of one function, not a bound: its stack objects and
/// what functions of its size usually keep in callee-saved registers and
/// spill slots (fitted on SQLite's frames at -O2: the estimates sum to
/// 0.99x the real frames, and 31% of the functions are estimated under
/// theirs). Checkpoints
/// are placed on it when the constants in them come from the emitted
/// object (ObjectNeeds.h), which makes them exact whatever the estimate.
std::optional<uint64_t> typicalFrame(const llvm::Function &F);

class StackBoundsPrinter : public llvm::PassInfoMixin<StackBoundsPrinter> {
public:
  StackBoundsPrinter(llvm::raw_ostream &OS, uint64_t MaxPath, uint64_t MinChunk)
      : OS(OS), MaxPath(MaxPath), MinChunk(MinChunk) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  llvm::raw_ostream &OS;
  uint64_t MaxPath, MinChunk;
};

} // namespace weft

#endif
