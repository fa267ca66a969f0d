//===- BlockingGraph.h - which functions may block, and why ---------------===//
//
// A blocking point is a call that may block the calling thread: a call to a
// function of runtime/blocking_calls.def, to a WEFT_BLOCKING function, or to
// a function that reaches one. This analysis computes, for every function
// of the module, one of three answers over the call graph, to a fixed
// point (recursion included):
//
//   Blocks   - some path reaches a blocking call;
//   Unknown  - no path is known to block, but some reaches an external
//              function that is neither annotated nor in the tables;
//   No       - no path blocks.
//
// Each answer other than No carries a witness: the call in the function's
// body that leads, by a shortest chain, to the blocking (or unknown) call.
// Diagnostics print that chain as notes. Indirect calls resolve to the
// address-taken functions of the same type (which covers C++ virtual calls
// through the vtables the module defines); one with no candidate is
// Unknown. A WEFT_NONBLOCKING function is No to its callers: its own body
// is checked where it is defined.
//
// Given the whole program (passes/WholeProgram.h), an external function
// that another unit defines takes that unit's answer (Origin::Program), and
// an indirect call also reaches the address-taken functions of its type in
// other units (CallSite::Remote); chains then go on in those units.
//
// The blocking graph proper has the blocking points as nodes and the code
// that can run between two of them as edges; `edges()` gives it per
// function, and Report.cpp draws it.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_BLOCKINGGRAPH_H
#define WEFT_PASSES_BLOCKINGGRAPH_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/PassManager.h"

#include <string>
#include <vector>

namespace llvm {
class CallBase;
class Function;
class Module;
class raw_ostream;
} // namespace llvm

namespace weft {

class WholeProgram;
struct ProgramFunction;

enum class Blocking : uint8_t { No = 0, Unknown = 1, Blocks = 2 };
const char *toString(Blocking B);

/// Why a function that is a chain's last step blocks (or is unknown).
enum class Origin : uint8_t {
  None,
  Table,         // listed in runtime/blocking_calls.def
  Annotated,     // WEFT_BLOCKING
  External,      // an external function nobody annotated: Unknown
  Unresolved,    // an indirect call with no candidate: Unknown
  Body,          // a defined function: see its witness call
  Program,       // defined in another unit: see the whole program's chain
};

struct CallSite {
  llvm::CallBase *Call = nullptr;
  llvm::SmallVector<llvm::Function *, 2> Callees; // candidates if indirect
  bool Indirect = false;
  /// An indirect call's worst target in another unit, if any.
  const ProgramFunction *Remote = nullptr;
};

struct FunctionFacts {
  Blocking State = Blocking::No;
  Origin Why = Origin::None;
  /// For Origin::Body: the call in this function that leads to the reason,
  /// and which of its candidate callees does.
  llvm::CallBase *Witness = nullptr;
  llvm::Function *WitnessCallee = nullptr;
  /// Origin::Program: the definition in another unit. Origin::Body with a
  /// witness that is an indirect call: its target in another unit, if the
  /// reason is there.
  const ProgramFunction *Remote = nullptr;
  /// The state of the body itself, ignoring a WEFT_NONBLOCKING annotation
  /// (what the annotation is checked against).
  Blocking BodyState = Blocking::No;
  unsigned Distance = 0;
  std::vector<CallSite> Calls; // defined functions only
};

/// One step of a chain: `Call` (in function `Caller`) calls `Callee`.
struct ChainStep {
  llvm::CallBase *Call = nullptr;
  llvm::Function *Callee = nullptr; // null for an indirect call
  /// An indirect call's target in another unit, where the chain goes on.
  const ProgramFunction *Remote = nullptr;
};

class BlockingGraph {
public:
  /// With `Program`, external functions and indirect calls resolve across
  /// units; the program must outlive the graph.
  explicit BlockingGraph(llvm::Module &M, const WholeProgram *Program = nullptr);

  /// Facts for any function of the module (declarations too).
  const FunctionFacts &facts(const llvm::Function &F) const;
  /// The worst state over a call's callees; `Culprit` gets the callee that
  /// gives it (null for an indirect call whose culprit is in another unit,
  /// then `Remote` gets it, or that has no target).
  Blocking stateOfCall(const llvm::CallBase &CB, llvm::Function **Culprit = nullptr,
                       const ProgramFunction **Remote = nullptr) const;
  /// The call sites of a defined function.
  const std::vector<CallSite> &callSites(const llvm::Function &F) const;
  /// The chain from `F`'s witness down to the call that blocks (or is
  /// unknown), following witnesses. Empty if F is a leaf reason.
  std::vector<ChainStep> chainBelow(const llvm::Function &F, bool UseBodyState = false) const;

  /// Blocking points of F in program order: calls whose state is Blocks.
  std::vector<llvm::CallBase *> blockingPoints(const llvm::Function &F) const;
  /// Edges of the blocking graph inside F: pairs of blocking points (null =
  /// function entry / exit) between which code can run without passing
  /// another blocking point.
  std::vector<std::pair<llvm::CallBase *, llvm::CallBase *>> edges(const llvm::Function &F) const;

  void print(llvm::raw_ostream &OS) const;
  llvm::Module &module() const { return M; }
  const WholeProgram *program() const { return Program; }

  bool invalidate(llvm::Module &, const llvm::PreservedAnalyses &PA,
                  llvm::ModuleAnalysisManager::Invalidator &);

private:
  llvm::Module &M;
  const WholeProgram *Program;
  llvm::DenseMap<const llvm::Function *, FunctionFacts> Facts;
  FunctionFacts Empty;
  std::vector<CallSite> NoCalls;
};

class BlockingGraphAnalysis : public llvm::AnalysisInfoMixin<BlockingGraphAnalysis> {
public:
  using Result = BlockingGraph;
  Result run(llvm::Module &M, llvm::ModuleAnalysisManager &);

private:
  friend llvm::AnalysisInfoMixin<BlockingGraphAnalysis>;
  static llvm::AnalysisKey Key;
};

class BlockingGraphPrinter : public llvm::PassInfoMixin<BlockingGraphPrinter> {
public:
  explicit BlockingGraphPrinter(llvm::raw_ostream &OS) : OS(OS) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  llvm::raw_ostream &OS;
};

} // namespace weft

#endif
