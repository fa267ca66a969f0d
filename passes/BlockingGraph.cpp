//===- BlockingGraph.cpp --------------------------------------------------===//
#include "BlockingGraph.h"

#include "Annotations.h"
#include "BlockingCalls.h"
#include "Calls.h"
#include "Diagnostics.h"
#include "Summary.h"
#include "VirtualCalls.h"
#include "WholeProgram.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <deque>

using namespace llvm;

#define DEBUG_TYPE "weft-blocking"
// Statistics are ALWAYS_ENABLED_STATISTIC: Debian's LLVM and weft's own
// RelWithDebInfo build define NDEBUG, which turns STATISTIC into a no-op.
// Shown by opt -stats, clang -mllvm -stats or -Xclang -stats-file=<f>.
ALWAYS_ENABLED_STATISTIC(NumTableFunctions,
                         "Blocking functions found in runtime/blocking_calls.def");
ALWAYS_ENABLED_STATISTIC(NumAnnotatedFunctions, "Functions declared WEFT_BLOCKING");
ALWAYS_ENABLED_STATISTIC(NumBlockingDefined, "Defined functions that may block");
ALWAYS_ENABLED_STATISTIC(NumUnknownFunctions, "Functions weft cannot classify");

namespace weft {

AnalysisKey BlockingGraphAnalysis::Key;

const char *toString(Blocking B) {
  switch (B) {
  case Blocking::No:
    return "no";
  case Blocking::Unknown:
    return "unknown";
  case Blocking::Blocks:
    return "blocks";
  }
  return "?";
}

namespace {

/// The reason a function blocks that does not come from its body, if any.
/// An external function no table lists takes the answer of its definition
/// in another unit when the whole program is known.
bool leafState(const Function &F, const WholeProgram *Program, Blocking &State, Origin &Why,
               const ProgramFunction *&Remote) {
  FunctionAnnotations A = annotationsOf(F);
  if (A.Blocking) {
    State = Blocking::Blocks;
    Why = Origin::Annotated;
    return true;
  }
  if (F.isIntrinsic() || A.NonBlocking) {
    State = Blocking::No;
    Why = Origin::None;
    return true;
  }
  if (F.isDeclaration()) {
    switch (classifyLibcCall(F.getName())) {
    case LibcClass::Blocking:
      State = Blocking::Blocks;
      Why = Origin::Table;
      break;
    case LibcClass::NonBlocking:
      State = Blocking::No;
      Why = Origin::None;
      break;
    case LibcClass::Unlisted:
      State = Blocking::Unknown;
      Why = Origin::External;
      if (Program && !F.hasLocalLinkage())
        if (const ProgramFunction *D = Program->definition(F.getName())) {
          State = D->State;
          Why = Origin::Program;
          Remote = D;
        }
      break;
    }
    return true;
  }
  return false;
}

} // namespace

BlockingGraph::BlockingGraph(Module &M, const WholeProgram *Program) : M(M), Program(Program) {
  std::string Unit = Program ? unitOf(M) : std::string();
  // Candidates for indirect calls: address-taken functions by type.
  DenseMap<FunctionType *, SmallVector<Function *, 4>> ByType;
  for (Function &F : M)
    if (F.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                          /*IgnoreAssumeLikeCalls=*/true, /*IgnoreLLVMUsed=*/true))
      ByType[F.getFunctionType()].push_back(&F);

  struct RevEdge {
    Function *Caller;
    CallBase *Call;
  };
  DenseMap<const Function *, SmallVector<RevEdge, 4>> Rev;
  std::vector<Function *> UnresolvedCallers;
  const VirtualCalls Virtual(M);

  for (Function &F : M) {
    FunctionFacts &FF = Facts[&F];
    if (leafState(F, Program, FF.State, FF.Why, FF.Remote)) {
      FF.BodyState = FF.State;
      if (FF.Remote)
        FF.Distance = FF.Remote->Distance;
    }
    if (F.isDeclaration())
      continue;
    if (!annotationsOf(F).NonBlocking && !annotationsOf(F).Blocking)
      FF.Why = Origin::None, FF.State = Blocking::No;
    FF.BodyState = Blocking::No;
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || isIgnoredCall(*CB))
        continue;
      CallSite CS;
      CS.Call = CB;
      if (Function *Callee = directCallee(*CB)) {
        CS.Callees.push_back(Callee);
      } else {
        CS.Indirect = true;
        // A virtual call: the overriders of its method (VirtualCalls.h),
        // none when its class's vtables are in other units.
        if (std::optional<SmallVector<Function *, 4>> Overriders = Virtual.targets(*CB))
          CS.Callees = std::move(*Overriders);
        else if (auto It = ByType.find(CB->getFunctionType()); It != ByType.end())
          CS.Callees.append(It->second.begin(), It->second.end());
        if (Program)
          CS.Remote = Program->worstTarget(signatureOf(CB->getFunctionType()), Unit);
        if (CS.Callees.empty() && !CS.Remote)
          UnresolvedCallers.push_back(&F);
      }
      for (Function *Callee : CS.Callees)
        Rev[Callee].push_back({&F, CB});
      FF.Calls.push_back(std::move(CS));
    }
  }

  // Breadth-first from the reasons, one level at a time, so that each
  // witness starts a shortest chain.
  auto Propagate = [&](Blocking Level, std::deque<Function *> Queue) {
    while (!Queue.empty()) {
      Function *G = Queue.front();
      Queue.pop_front();
      unsigned GDistance = Facts[G].Distance;
      auto It = Rev.find(G);
      if (It == Rev.end())
        continue;
      for (const RevEdge &E : It->second) {
        FunctionFacts &CF = Facts[E.Caller];
        if (CF.BodyState >= Level)
          continue;
        CF.BodyState = Level;
        CF.Witness = E.Call;
        CF.WitnessCallee = G;
        CF.Distance = GDistance + 1;
        FunctionAnnotations A = annotationsOf(*E.Caller);
        if (A.NonBlocking || A.Blocking)
          continue; // its callers see the annotation, not the body
        if (CF.State < Level) {
          CF.State = Level;
          CF.Why = Origin::Body;
          Queue.push_back(E.Caller);
        }
      }
    }
  };

  // Indirect calls whose worst target is in another unit are reasons in
  // the caller's body, like a call to a leaf.
  auto RemoteReasons = [&](Blocking Level, std::deque<Function *> &Queue) {
    for (Function &F : M) {
      if (F.isDeclaration())
        continue;
      FunctionFacts &FF = Facts[&F];
      for (const CallSite &CS : FF.Calls) {
        if (!CS.Remote || CS.Remote->State != Level || FF.BodyState >= Level)
          continue;
        FF.BodyState = Level;
        FF.Witness = CS.Call;
        FF.WitnessCallee = nullptr;
        FF.Remote = CS.Remote;
        FF.Distance = CS.Remote->Distance + 1;
        FunctionAnnotations A = annotationsOf(F);
        if (!A.NonBlocking && !A.Blocking && FF.State < Level) {
          FF.State = Level;
          FF.Why = Origin::Body;
          Queue.push_back(&F);
        }
      }
    }
  };

  std::deque<Function *> Blocked, Unknown;
  for (Function &F : M) {
    const FunctionFacts &FF = Facts[&F];
    if (FF.Why == Origin::Table || FF.Why == Origin::Annotated ||
        (FF.Why == Origin::Program && FF.State == Blocking::Blocks))
      Blocked.push_back(&F);
    else if (FF.Why == Origin::External ||
             (FF.Why == Origin::Program && FF.State == Blocking::Unknown))
      Unknown.push_back(&F);
  }
  RemoteReasons(Blocking::Blocks, Blocked);
  Propagate(Blocking::Blocks, std::move(Blocked));

  for (Function *F : UnresolvedCallers) {
    FunctionFacts &FF = Facts[F];
    if (FF.BodyState >= Blocking::Unknown)
      continue;
    for (const CallSite &CS : FF.Calls)
      if (CS.Indirect && CS.Callees.empty() && !CS.Remote) {
        FF.BodyState = Blocking::Unknown;
        FF.Witness = CS.Call;
        FF.WitnessCallee = nullptr;
        FF.Distance = 1;
        break;
      }
    FunctionAnnotations A = annotationsOf(*F);
    if (!A.NonBlocking && !A.Blocking && FF.State < Blocking::Unknown) {
      FF.State = Blocking::Unknown;
      FF.Why = Origin::Body;
      Unknown.push_back(F);
    }
  }
  RemoteReasons(Blocking::Unknown, Unknown);
  Propagate(Blocking::Unknown, std::move(Unknown));

  for (const auto &[F, FF] : Facts) {
    assert((FF.Why != Origin::Body || FF.Witness) && "a state from the body has a witness");
    NumTableFunctions += FF.Why == Origin::Table;
    NumAnnotatedFunctions += FF.Why == Origin::Annotated;
    NumBlockingDefined += !F->isDeclaration() && FF.State == Blocking::Blocks;
    NumUnknownFunctions += FF.State == Blocking::Unknown;
    LLVM_DEBUG(if (FF.State != Blocking::No) dbgs()
               << "weft-blocking: " << F->getName() << ": " << toString(FF.State)
               << (FF.WitnessCallee ? " through " + FF.WitnessCallee->getName().str() : "")
               << "\n");
  }
}

const FunctionFacts &BlockingGraph::facts(const Function &F) const {
  auto It = Facts.find(&F);
  return It == Facts.end() ? Empty : It->second;
}

const std::vector<CallSite> &BlockingGraph::callSites(const Function &F) const {
  auto It = Facts.find(&F);
  return It == Facts.end() ? NoCalls : It->second.Calls;
}

Blocking BlockingGraph::stateOfCall(const CallBase &CB, Function **Culprit,
                                    const ProgramFunction **Remote) const {
  if (Culprit)
    *Culprit = nullptr;
  if (Remote)
    *Remote = nullptr;
  if (isIgnoredCall(CB))
    return Blocking::No;
  if (Function *Callee = directCallee(CB)) {
    if (Culprit)
      *Culprit = Callee;
    return facts(*Callee).State;
  }
  for (const CallSite &CS : callSites(*CB.getFunction())) {
    if (CS.Call != &CB)
      continue;
    if (CS.Callees.empty() && !CS.Remote)
      return Blocking::Unknown;
    Blocking Worst = Blocking::No;
    unsigned Best = ~0u;
    if (CS.Remote) {
      Worst = CS.Remote->State;
      Best = CS.Remote->Distance;
      if (Remote)
        *Remote = CS.Remote;
    }
    for (Function *C : CS.Callees) {
      const FunctionFacts &CF = facts(*C);
      if (CF.State > Worst || (CF.State == Worst && CF.Distance < Best)) {
        Worst = CF.State;
        Best = CF.Distance;
        if (Culprit)
          *Culprit = C;
        if (Remote)
          *Remote = nullptr;
      }
    }
    return Worst;
  }
  return Blocking::Unknown;
}

std::vector<ChainStep> BlockingGraph::chainBelow(const Function &F, bool UseBodyState) const {
  std::vector<ChainStep> Chain;
  DenseSet<const Function *> Seen;
  const Function *Cur = &F;
  bool First = true;
  while (Cur && Seen.insert(Cur).second) {
    const FunctionFacts &FF = facts(*Cur);
    bool FollowBody = (First && UseBodyState) ? FF.BodyState != Blocking::No
                                              : FF.Why == Origin::Body;
    First = false;
    if (!FollowBody || !FF.Witness)
      break;
    Chain.push_back({FF.Witness, FF.WitnessCallee, FF.WitnessCallee ? nullptr : FF.Remote});
    Cur = FF.WitnessCallee;
  }
  return Chain;
}

std::vector<CallBase *> BlockingGraph::blockingPoints(const Function &F) const {
  std::vector<CallBase *> Points;
  for (const CallSite &CS : callSites(F))
    if (stateOfCall(*CS.Call) == Blocking::Blocks)
      Points.push_back(CS.Call);
  return Points;
}

std::vector<std::pair<CallBase *, CallBase *>>
BlockingGraph::edges(const Function &F) const {
  std::vector<std::pair<CallBase *, CallBase *>> Edges;
  if (F.isDeclaration())
    return Edges;
  DenseSet<const Instruction *> Points;
  for (CallBase *CB : blockingPoints(F))
    Points.insert(CB);
  // From each start (entry, or just after a blocking point), walk forward
  // until a blocking point or a return.
  auto WalkFrom = [&](CallBase *From, const Instruction *Start) {
    DenseSet<std::pair<CallBase *, CallBase *>> Found;
    DenseSet<const BasicBlock *> Visited;
    std::vector<const Instruction *> Work{Start};
    while (!Work.empty()) {
      const Instruction *I = Work.back();
      Work.pop_back();
      for (; I; I = I->getNextNode()) {
        if (Points.count(I)) {
          auto *To = const_cast<CallBase *>(cast<CallBase>(I));
          if (Found.insert({From, To}).second)
            Edges.push_back({From, To});
          break;
        }
        if (isa<ReturnInst>(I) && Found.insert({From, nullptr}).second)
          Edges.push_back({From, nullptr});
        if (I->isTerminator()) {
          for (const BasicBlock *S : successors(I->getParent()))
            if (Visited.insert(S).second)
              Work.push_back(&S->front());
          break;
        }
      }
    }
  };
  WalkFrom(nullptr, &F.getEntryBlock().front());
  for (const Instruction *P : Points) {
    if (auto *Inv = dyn_cast<InvokeInst>(P)) {
      WalkFrom(const_cast<InvokeInst *>(Inv), &Inv->getNormalDest()->front());
      continue;
    }
    WalkFrom(const_cast<CallBase *>(cast<CallBase>(P)), P->getNextNode());
  }
  return Edges;
}

static std::string lineOf(const CallBase *CB) {
  SourceLoc L = userLocationOf(*CB);
  if (!L.valid())
    return "";
  return " (line " + std::to_string(L.Line) + ")";
}

void BlockingGraph::print(raw_ostream &OS) const {
  OS << "weft blocking graph for '" << M.getModuleIdentifier() << "'\n";
  auto Why = [&](const Function &F, const FunctionFacts &FF, bool Body) {
    std::string S;
    Blocking B = Body ? FF.BodyState : FF.State;
    S += toString(B);
    Origin O = Body ? Origin::Body : FF.Why;
    if (O == Origin::Table)
      S += " (blocking_calls.def: " + blockingKind(F.getName()).value_or("?").str() + ")";
    else if (O == Origin::Annotated)
      S += " (WEFT_BLOCKING)";
    else if (O == Origin::External)
      S += " (external, not annotated)";
    else if (O == Origin::Program && FF.Remote)
      S += " (defined in " + Program->unitName(*FF.Remote) + ")";
    else if (O == Origin::Body && FF.Witness && B != Blocking::No) {
      if (FF.WitnessCallee)
        S += ", via " + displayName(FF.WitnessCallee->getName());
      else
        S += ", via an indirect call with no known target";
      S += lineOf(FF.Witness);
      S += ", chain length " + std::to_string(FF.Distance);
    }
    return S;
  };
  for (const Function &F : M) {
    if (F.isDeclaration())
      continue;
    const FunctionFacts &FF = facts(F);
    OS << "function " << F.getName() << ": " << Why(F, FF, false);
    FunctionAnnotations A = annotationsOf(F);
    if (A.NonBlocking)
      OS << " [WEFT_NONBLOCKING; body " << Why(F, FF, true) << "]";
    OS << "\n";
    for (const CallSite &CS : FF.Calls) {
      Function *Culprit;
      Blocking B = stateOfCall(*CS.Call, &Culprit);
      if (B != Blocking::Blocks)
        continue;
      OS << "  blocking point: ";
      if (CS.Indirect)
        OS << "indirect call, may call " << (Culprit ? Culprit->getName() : "?");
      else
        OS << "call " << (Culprit ? Culprit->getName() : "?");
      OS << lineOf(CS.Call) << "\n";
    }
  }
  for (const Function &F : M) {
    if (!F.isDeclaration() || F.isIntrinsic() || F.use_empty())
      continue;
    OS << "declare " << F.getName() << ": " << Why(F, facts(F), false) << "\n";
  }
}

bool BlockingGraph::invalidate(Module &, const PreservedAnalyses &PA,
                               ModuleAnalysisManager::Invalidator &) {
  auto PAC = PA.getChecker<BlockingGraphAnalysis>();
  return !PAC.preserved() && !PAC.preservedSet<AllAnalysesOn<Module>>();
}

BlockingGraph BlockingGraphAnalysis::run(Module &M, ModuleAnalysisManager &) {
  return BlockingGraph(M);
}

PreservedAnalyses BlockingGraphPrinter::run(Module &M, ModuleAnalysisManager &MAM) {
  MAM.getResult<BlockingGraphAnalysis>(M).print(OS);
  return PreservedAnalyses::all();
}

} // namespace weft
