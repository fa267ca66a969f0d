//===- AtomicSections.cpp -------------------------------------------------===//
#include "AtomicSections.h"

#include "Annotations.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "Diagnostics.h"
#include "WholeProgram.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

using namespace llvm;

#define DEBUG_TYPE "weft-sections"
// Statistics are ALWAYS_ENABLED_STATISTIC: Debian's LLVM and weft's own
// RelWithDebInfo build define NDEBUG, which turns STATISTIC into a no-op.
// Shown by opt -stats, clang -mllvm -stats or -Xclang -stats-file=<f>.
ALWAYS_ENABLED_STATISTIC(NumSectionsChecked, "Atomic sections checked");
ALWAYS_ENABLED_STATISTIC(NumSectionCalls, "Calls checked inside atomic sections");
ALWAYS_ENABLED_STATISTIC(NumNonBlockingChecked, "WEFT_NONBLOCKING functions checked");
ALWAYS_ENABLED_STATISTIC(NumSectionErrors, "Blocking calls found where nothing may block");

namespace weft {

AnalysisKey AtomicSectionsAnalysis::Key;

namespace {

bool calls(const Instruction &I, StringRef Name) {
  if (auto *CB = dyn_cast<CallBase>(&I))
    if (const Function *F = directCallee(*CB))
      return F->getName() == Name;
  return false;
}

} // namespace

AtomicSections::AtomicSections(Module &M) {
  DenseMap<const CallBase *, int> IndexOfEnter;
  DenseMap<const CallBase *, int> OuterOfEnter;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    for (Instruction &I : instructions(F)) {
      if (!calls(I, SectionEnterName))
        continue;
      auto *Enter = cast<CallBase>(&I);
      AtomicSection S;
      S.Enter = Enter;
      DenseSet<const CallBase *> Seen;
      DenseSet<const Instruction *> InBody;
      DenseSet<std::pair<const BasicBlock *, unsigned>> Visited;
      std::vector<std::pair<const Instruction *, unsigned>> Work;
      auto PushSuccessors = [&](const Instruction *Term, unsigned Depth) {
        for (const BasicBlock *Succ : successors(Term->getParent()))
          if (Visited.insert({Succ, Depth}).second)
            Work.push_back({&Succ->front(), Depth});
      };
      // If enter itself unwinds, the section was never entered: only its
      // normal successor starts the section.
      if (auto *Inv = dyn_cast<InvokeInst>(Enter)) {
        const BasicBlock *Normal = Inv->getNormalDest();
        Visited.insert({Normal, 1});
        Work.push_back({&Normal->front(), 1});
      } else
        Work.push_back({Enter->getNextNode(), 1});
      while (!Work.empty()) {
        auto [Cur, Depth] = Work.back();
        Work.pop_back();
        for (const Instruction *In = Cur; In; In = In->getNextNode()) {
          if (calls(*In, SectionEnterName)) {
            if (Depth == 1)
              OuterOfEnter[cast<CallBase>(In)] = static_cast<int>(Sections.size());
            ++Depth;
          } else if (calls(*In, SectionLeaveName)) {
            if (--Depth == 0)
              break;
          } else {
            if (InBody.insert(In).second)
              S.Body.push_back(const_cast<Instruction *>(In));
            if (auto *CB = dyn_cast<CallBase>(In))
              if (Depth == 1 && !isIgnoredCall(*CB) && Seen.insert(CB).second)
                S.Calls.push_back(const_cast<CallBase *>(CB));
          }
          if (In->isTerminator()) {
            PushSuccessors(In, Depth);
            break;
          }
        }
      }
      IndexOfEnter[Enter] = static_cast<int>(Sections.size());
      Sections.push_back(std::move(S));
    }
  }
  for (AtomicSection &S : Sections) {
    auto It = OuterOfEnter.find(S.Enter);
    if (It != OuterOfEnter.end())
      S.Parent = It->second;
  }
}

void AtomicSections::print(raw_ostream &OS) const {
  OS << "weft atomic sections\n";
  for (size_t I = 0; I < Sections.size(); ++I) {
    const AtomicSection &S = Sections[I];
    SourceLoc L = userLocationOf(*S.Enter);
    OS << "section " << I << " in " << S.Enter->getFunction()->getName();
    if (L.valid())
      OS << " at line " << L.Line;
    if (S.Parent >= 0)
      OS << ", nested in section " << S.Parent;
    OS << ": " << S.Calls.size() << " call(s)\n";
    for (const CallBase *CB : S.Calls) {
      OS << "  call ";
      if (const Function *F = directCallee(*CB))
        OS << F->getName();
      else
        OS << "<indirect>";
      SourceLoc CL = userLocationOf(*CB);
      if (CL.valid())
        OS << " at line " << CL.Line;
      OS << "\n";
    }
  }
}

bool AtomicSections::invalidate(Module &, const PreservedAnalyses &PA,
                                ModuleAnalysisManager::Invalidator &) {
  auto PAC = PA.getChecker<AtomicSectionsAnalysis>();
  return !PAC.preserved() && !PAC.preservedSet<AllAnalysesOn<Module>>();
}

PreservedAnalyses AtomicSectionsPrinter::run(Module &M, ModuleAnalysisManager &MAM) {
  MAM.getResult<AtomicSectionsAnalysis>(M).print(OS);
  return PreservedAnalyses::all();
}

namespace {

std::string quoted(const Function *F) {
  return "'" + displayName(F->getName()) + "'";
}

std::string quoted(const ProgramFunction *F) {
  return "'" + displayName(F->Symbol) + "'";
}

/// How the last function of a chain blocks (or why it is unknown).
std::string reasonSuffix(Origin Why) {
  switch (Why) {
  case Origin::Table:
    return ", a blocking call";
  case Origin::Annotated:
    return ", which is declared WEFT_BLOCKING";
  case Origin::External:
    return ", which is not annotated";
  default:
    return "";
  }
}

/// Notes for the chain below `F`, a function of another unit, at the
/// calls in that unit's files.
void emitRemoteChain(const WholeProgram &P, DiagnosticSink &Sink, const ProgramFunction &F) {
  std::vector<ProgramStep> Chain = P.chainBelow(F);
  for (size_t I = 0; I < Chain.size(); ++I) {
    const ProgramStep &Step = Chain[I];
    std::string Msg = quoted(Step.Caller) + " ";
    if (Step.Callee)
      Msg += "calls " + quoted(Step.Callee);
    else
      Msg += "makes an indirect call";
    if (I + 1 == Chain.size())
      Msg += Step.Callee ? reasonSuffix(Step.Callee->Why) : ", which has no known target";
    Sink.report(Severity::Note, Step.Loc, Msg);
  }
  if (Chain.empty() && F.Why == Origin::Annotated)
    Sink.report(Severity::Note, F.Summary->Loc, quoted(&F) + " is declared WEFT_BLOCKING here");
}

/// Notes for the frames of an inlined call, outermost first, then one per
/// step of the chain below `Callee` (or below `Remote`, a target in another
/// unit), crossing into other units' files where the chain does.
void emitChain(const BlockingGraph &G, DiagnosticSink &Sink, const CallBase &Call,
               const Function *Callee, const ProgramFunction *Remote,
               bool UseBodyState = false) {
  if (const DILocation *DL = Call.getDebugLoc().get()) {
    std::vector<const DILocation *> Frames;
    for (const DILocation *D = DL; D->getInlinedAt(); D = D->getInlinedAt())
      Frames.push_back(D);
    for (auto It = Frames.rbegin(); It != Frames.rend(); ++It)
      Sink.report(Severity::Note, locationOf(*It),
                  "inlined from '" + (*It)->getScope()->getSubprogram()->getName().str() +
                      "', which calls it here");
  }
  const WholeProgram *P = G.program();
  if (!Callee) {
    if (Remote && P) {
      Sink.report(Severity::Note, Remote->Summary->Loc,
                  quoted(Remote) + " is defined here, in another file, and its address is "
                                   "taken there");
      emitRemoteChain(*P, Sink, *Remote);
    }
    return;
  }
  std::vector<ChainStep> Chain = G.chainBelow(*Callee, UseBodyState);
  const Function *Last = Callee;
  for (size_t I = 0; I < Chain.size(); ++I) {
    const ChainStep &Step = Chain[I];
    const Function *Caller = Step.Call->getFunction();
    std::string Msg = quoted(Caller) + " ";
    if (Step.Callee)
      Msg += "calls " + quoted(Step.Callee);
    else if (Step.Remote)
      Msg += "makes an indirect call, which may call " + quoted(Step.Remote) +
             " of another file";
    else
      Msg += "makes an indirect call";
    if (I + 1 == Chain.size() && !Step.Remote &&
        (!Step.Callee || G.facts(*Step.Callee).Why != Origin::Program))
      Msg += Step.Callee ? reasonSuffix(G.facts(*Step.Callee).Why)
                         : ", an indirect call with no known target";
    Sink.report(Severity::Note, userLocationOf(*Step.Call), Msg);
    Last = Step.Callee;
    if (Step.Remote && P)
      emitRemoteChain(*P, Sink, *Step.Remote);
  }
  // The chain leaves this unit at a declaration another unit defines.
  if (Last && P) {
    const FunctionFacts &FF = G.facts(*Last);
    if (FF.Why == Origin::Program && FF.Remote)
      emitRemoteChain(*P, Sink, *FF.Remote);
  }
}

std::string callDescription(const CallBase &Call, const Function *Culprit,
                            const ProgramFunction *Remote) {
  const Function *Direct = directCallee(Call);
  if (Direct)
    return "call to " + quoted(Direct);
  if (Culprit)
    return "indirect call (which may call " + quoted(Culprit) + ")";
  if (Remote)
    return "indirect call (which may call " + quoted(Remote) + ", of another file)";
  return "indirect call";
}

} // namespace

unsigned checkAtomicSections(const AtomicSections &Sections, const BlockingGraph &G,
                             DiagnosticSink &Sink) {
  unsigned Errors = 0;
  for (const AtomicSection &S : Sections.sections()) {
    assert(S.Enter && "a section starts at its enter call");
    ++NumSectionsChecked;
    NumSectionCalls += S.Calls.size();
    LLVM_DEBUG(dbgs() << "weft-sections: a section in " << S.Enter->getFunction()->getName()
                      << ": " << S.Calls.size() << " calls\n");
    for (const CallBase *Call : S.Calls) {
      Function *Culprit = nullptr;
      const ProgramFunction *Remote = nullptr;
      Blocking B = G.stateOfCall(*Call, &Culprit, &Remote);
      if (B == Blocking::No)
        continue;
      SourceLoc Where = userLocationOf(*Call);
      std::string What = callDescription(*Call, Culprit, Remote);
      if (B == Blocking::Blocks) {
        bool Direct = directCallee(*Call) != nullptr;
        std::string Msg = What + " may block inside an atomic section";
        if (Direct && Culprit && G.facts(*Culprit).Why == Origin::Table)
          Msg = "blocking " + What + " inside an atomic section";
        else if (Direct && Culprit && G.facts(*Culprit).Why == Origin::Annotated)
          Msg = What + " inside an atomic section: " + quoted(Culprit) +
                " is declared WEFT_BLOCKING";
        Sink.report(Severity::Error, Where, Msg + " [weft-atomic]");
        ++Errors;
      } else {
        std::string Name = Culprit ? quoted(Culprit) : std::string("its target");
        std::string Msg;
        if (!Culprit && !Remote)
          Msg = "indirect call inside an atomic section has no known target; weft cannot "
                "tell whether it blocks";
        else if (Culprit && G.facts(*Culprit).Why == Origin::External)
          Msg = What + " inside an atomic section: weft cannot tell whether " + Name +
                " blocks; declare it WEFT_NONBLOCKING if it never blocks, or "
                "WEFT_BLOCKING if it may";
        else
          Msg = What + " inside an atomic section reaches a function weft cannot "
                       "classify; annotate it WEFT_NONBLOCKING or WEFT_BLOCKING";
        Sink.report(Severity::Warning, Where, Msg + " [weft-atomic]");
      }
      Sink.report(Severity::Note, userLocationOf(*S.Enter), "atomic section begins here");
      emitChain(G, Sink, *Call, Culprit, Remote);
    }
  }

  // WEFT_NONBLOCKING functions are checked where they are defined.
  for (const Function &F : G.module()) {
    if (F.isDeclaration() || !annotationsOf(F).NonBlocking)
      continue;
    ++NumNonBlockingChecked;
    for (const CallSite &CS : G.callSites(F)) {
      Function *Culprit = nullptr;
      const ProgramFunction *Remote = nullptr;
      Blocking B = G.stateOfCall(*CS.Call, &Culprit, &Remote);
      if (B == Blocking::No)
        continue;
      std::string What = callDescription(*CS.Call, Culprit, Remote);
      if (B == Blocking::Blocks) {
        Sink.report(Severity::Error, userLocationOf(*CS.Call),
                    quoted(&F) + " is declared WEFT_NONBLOCKING but this " + What +
                        " may block [weft-atomic]");
        ++Errors;
      } else {
        Sink.report(Severity::Warning, userLocationOf(*CS.Call),
                    quoted(&F) + " is declared WEFT_NONBLOCKING but weft cannot tell "
                                 "whether this " +
                        What +
                        " blocks; annotate the callee WEFT_NONBLOCKING or "
                        "WEFT_BLOCKING [weft-atomic]");
      }
      Sink.report(Severity::Note, locationOf(F), quoted(&F) + " is declared WEFT_NONBLOCKING here");
      emitChain(G, Sink, *CS.Call, Culprit, Remote);
    }
  }
  NumSectionErrors += Errors;
  return Errors;
}

} // namespace weft
