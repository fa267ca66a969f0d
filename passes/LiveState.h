//===- LiveState.h - the stack state live across blocking points ----------===//
//
// A thread that blocks keeps its whole stack: every frame on it stays in
// memory until the thread runs again. This analysis computes, for every
// blocking point (a call the blocking graph says Blocks; calls to Unknown
// functions count too, because they may block), the state of the frame
// that is live across it:
//
//   - stack objects (allocas) that are in their lifetime at the call and
//     that the call itself uses or some later instruction may read: a use
//     reachable from the call without leaving the object's lifetime and
//     without a store that overwrites the whole object first. An object
//     whose address escapes (stored to memory, turned into an integer,
//     returned) is live wherever it is in its lifetime. A pointer passed
//     to a call is a use at that call; callees are trusted not to keep it
//     past their return.
//   - SSA values that are used after the call, which the backend must
//     keep in callee-saved registers or spill: their type's store size.
//
// `live` is the sum; `pinned` is what the frame holds at the call: every
// object whose lifetime includes the call (used later or not) plus the
// same SSA values. Clang's unnamed temporaries, in a function whose
// variables the frontend named, count only where they are live: their
// lifetime markers exist only when optimising.
//
// An object's lifetime is its variable's scope when the frontend recorded
// one (`!weft.local` metadata, from plugin/LocalScopes.cpp): the call must
// lie between the declaration and the end of the scope in the source, and
// a path leaves the lifetime at the first instruction located outside it
// (a loop's condition or increment, the code after the block). This is the
// same IR at -O0 and -O2, so the answers are the same at every -O level.
// When optimising, Clang routes every way out of a scope through a shared
// cleanup block and an i32 slot that says where to go next; the dataflows
// run on a graph with a node per block and value of that slot, so a
// `return` inside a scope does not seem to reach the code after it. That
// slot and the return value's slot exist only at some -O levels and are
// not counted. Without the frontend's metadata (IR from elsewhere, under
// opt) the lifetime is given by llvm.lifetime.start/end when the object
// has them, and is the whole function otherwise.
//
// The analysis runs at the start of the pipeline, before inlining, like
// the checks: each blocking point is the call the user wrote.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_LIVESTATE_H
#define WEFT_PASSES_LIVESTATE_H

#include "BlockingGraph.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/PassManager.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class AllocaInst;
class CallBase;
class Function;
class Module;
class raw_ostream;
} // namespace llvm

namespace weft {

class DiagnosticSink;

/// A local variable as the frontend saw it: its name, where it is declared
/// and where its scope ends (the closing brace), in presumed source
/// positions (macro expansions at their expansion point).
struct LocalVariable {
  std::string Name;
  std::string File;
  unsigned Line = 0, Column = 0;
  unsigned EndLine = 0, EndColumn = 0;
};

/// The `annotate` string the frontend puts on a local variable, and back.
inline constexpr const char *LocalAnnotationPrefix = "weft-local;";
std::string encodeLocalVariable(const LocalVariable &V);
std::optional<LocalVariable> decodeLocalVariable(llvm::StringRef Annotation);

/// Turns the frontend's llvm.var.annotation calls into `!weft.local`
/// metadata on the allocas and removes the calls and their strings, so
/// the code generated is the same as without the plugin.
/// Returns whether it changed the module.
bool importLocalVariables(llvm::Module &M);
/// The variable an alloca holds, from its `!weft.local` metadata.
std::optional<LocalVariable> localVariableOf(const llvm::AllocaInst &AI);

/// A stack object live across a blocking point.
struct LiveObject {
  llvm::AllocaInst *Alloca = nullptr;
  uint64_t Bytes = 0;
  bool UsedByCall = false; // an argument of the call itself
  bool Escaped = false;    // its address escapes: live while in scope
};

struct LivePoint {
  llvm::CallBase *Call = nullptr;
  Blocking State = Blocking::Blocks; // Blocks or Unknown
  uint64_t LiveBytes = 0;            // live objects + SpillBytes
  uint64_t PinnedBytes = 0;          // objects in their lifetime + SpillBytes
  uint64_t SpillBytes = 0;           // SSA values live across the call
  std::vector<LiveObject> Objects;   // largest first
};

class LiveState {
public:
  LiveState(llvm::Module &M, const BlockingGraph &G);

  /// The facts of a blocking point, or null if `CB` is not one.
  const LivePoint *at(const llvm::CallBase &CB) const;
  /// The blocking points of F in program order.
  const std::vector<LivePoint> &points(const llvm::Function &F) const;
  /// The largest pinned total on any chain of calls from F down to a call
  /// that blocks: a blocking point's pinned bytes plus, if it calls a
  /// defined function that blocks, that function's own total. Null with
  /// recursion on the chain (unbounded); 0 if F never blocks.
  std::optional<uint64_t> maxPinnedBytes(const llvm::Function &F) const;
  /// Functions of the module a thread starts in: passed as the start
  /// routine to pthread_create or weft_spawn here. In module order.
  const std::vector<const llvm::Function *> &threadEntries() const { return Entries; }

  void print(llvm::raw_ostream &OS) const;
  const BlockingGraph &graph() const { return G; }

  bool invalidate(llvm::Module &, const llvm::PreservedAnalyses &PA,
                  llvm::ModuleAnalysisManager::Invalidator &);

private:
  llvm::Module &M;
  const BlockingGraph &G;
  llvm::DenseMap<const llvm::Function *, std::vector<LivePoint>> Points;
  llvm::DenseMap<const llvm::CallBase *, std::pair<const llvm::Function *, size_t>> Index;
  llvm::DenseMap<const llvm::Function *, std::optional<uint64_t>> MaxPinned;
  std::vector<const llvm::Function *> Entries;
  std::vector<LivePoint> None;
};

class LiveStateAnalysis : public llvm::AnalysisInfoMixin<LiveStateAnalysis> {
public:
  using Result = LiveState;
  Result run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);

private:
  friend llvm::AnalysisInfoMixin<LiveStateAnalysis>;
  static llvm::AnalysisKey Key;
};

/// opt -passes='print<weft-live>'
class LiveStatePrinter : public llvm::PassInfoMixin<LiveStatePrinter> {
public:
  explicit LiveStatePrinter(llvm::raw_ostream &OS) : OS(OS) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  llvm::raw_ostream &OS;
};

/// The [weft-live-state] warning: at each call that blocks while more
/// than `Threshold` bytes of its frame are live, with notes naming the
/// largest objects. Returns the number of warnings.
unsigned checkLiveState(const LiveState &LS, uint64_t Threshold, DiagnosticSink &Sink);

/// "33,024"
std::string withThousands(uint64_t N);

} // namespace weft

#endif
