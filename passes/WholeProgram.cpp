//===- WholeProgram.cpp ---------------------------------------------------===//
#include "WholeProgram.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Support/Debug.h"

#include <cassert>
#include <deque>
#include <functional>
#include <mutex>

using namespace llvm;

#define DEBUG_TYPE "weft-program"
ALWAYS_ENABLED_STATISTIC(NumProgramUnits, "Units joined into a whole program");
ALWAYS_ENABLED_STATISTIC(NumProgramFunctions, "Functions of a whole program");

namespace weft {

namespace {

/// The answer of a function that does not come from a body: annotations
/// first, then (declarations) the tables. False for a plain definition.
bool leaf(const FunctionSummary &S, Blocking &State, Origin &Why) {
  if (S.AnnotatedBlocking) {
    State = Blocking::Blocks, Why = Origin::Annotated;
    return true;
  }
  if (S.AnnotatedNonBlocking) {
    State = Blocking::No, Why = Origin::None;
    return true;
  }
  if (S.Defined)
    return false;
  switch (S.Class) {
  case DeclClass::Blocking:
    State = Blocking::Blocks, Why = Origin::Table;
    break;
  case DeclClass::NonBlocking:
    State = Blocking::No, Why = Origin::None;
    break;
  case DeclClass::Unlisted:
    State = Blocking::Unknown, Why = Origin::External;
    break;
  }
  return true;
}

} // namespace

WholeProgram::WholeProgram(std::vector<UnitSummary> UnitsIn) : Units(std::move(UnitsIn)) {
  NumProgramUnits += Units.size();
  Scope.resize(Units.size());
  auto Make = [&](unsigned Unit, const FunctionSummary &S) {
    Nodes.push_back(std::make_unique<ProgramFunction>());
    ProgramFunction *N = Nodes.back().get();
    N->Symbol = S.Symbol;
    N->Unit = Unit;
    N->Summary = &S;
    return N;
  };
  // Definitions: local ones in their unit's scope, external ones once.
  for (unsigned U = 0; U < Units.size(); ++U)
    for (const FunctionSummary &S : Units[U].Functions) {
      if (!S.Defined)
        continue;
      if (S.Local) {
        Scope[U][S.Symbol] = Make(U, S);
        continue;
      }
      auto [It, New] = Definitions.try_emplace(S.Symbol, nullptr);
      if (New)
        It->second = Make(U, S);
      Scope[U][S.Symbol] = It->second;
    }
  // Symbols no unit defines: one leaf each. An annotation in any unit
  // counts (WEFT_BLOCKING wins), else the first unit's classification.
  StringMap<ProgramFunction *> Declared;
  for (unsigned U = 0; U < Units.size(); ++U)
    for (const FunctionSummary &S : Units[U].Functions) {
      if (S.Defined)
        continue;
      ProgramFunction *N = nullptr;
      if (auto D = Definitions.find(S.Symbol); D != Definitions.end()) {
        N = D->second;
      } else {
        auto [It, New] = Declared.try_emplace(S.Symbol, nullptr);
        if (New)
          It->second = Make(U, S);
        N = It->second;
        if (S.AnnotatedBlocking || (S.AnnotatedNonBlocking && !N->Summary->AnnotatedBlocking))
          N->Summary = &S;
      }
      Scope[U][S.Symbol] = N;
    }
  NumProgramFunctions += Nodes.size();
  for (auto &N : Nodes) {
    // A declaration whose address is taken is a target too (`&write`).
    if (N->Summary->AddressTaken)
      BySignature[N->Summary->Signature].push_back(N.get());
    if (!leaf(*N->Summary, N->State, N->Why))
      N->State = Blocking::No, N->Why = Origin::None;
  }
  // Any unit may take the address of an external function another unit
  // defines; the definition is the target.
  for (unsigned U = 0; U < Units.size(); ++U)
    for (const FunctionSummary &S : Units[U].Functions)
      if (S.AddressTaken && !S.Defined)
        if (auto D = Definitions.find(S.Symbol); D != Definitions.end() &&
                                                 !D->second->Summary->AddressTaken) {
          auto &V = BySignature[D->second->Summary->Signature];
          if (std::find(V.begin(), V.end(), D->second) == V.end())
            V.push_back(D->second);
        }

  // Calls, and the reverse edges the propagation walks.
  struct RevEdge {
    ProgramFunction *Caller;
    int Call;
  };
  DenseMap<const ProgramFunction *, SmallVector<RevEdge, 4>> Rev;
  std::vector<ProgramFunction *> Unresolved;
  for (auto &NP : Nodes) {
    ProgramFunction *N = NP.get();
    if (!N->Summary->Defined)
      continue;
    for (const CallSummary &C : N->Summary->Calls) {
      ProgramCall PC;
      PC.Loc = C.Loc;
      if (C.indirect()) {
        PC.Indirect = true;
        if (auto It = BySignature.find(C.Signature); It != BySignature.end())
          PC.Callees.assign(It->second.begin(), It->second.end());
        if (PC.Callees.empty())
          Unresolved.push_back(N);
      } else if (auto It = Scope[N->Unit].find(C.Callee); It != Scope[N->Unit].end()) {
        PC.Callees.push_back(It->second);
      } else if (auto D = Definitions.find(C.Callee); D != Definitions.end()) {
        PC.Callees.push_back(D->second);
      }
      for (const ProgramFunction *Callee : PC.Callees)
        Rev[Callee].push_back({N, static_cast<int>(N->Calls.size())});
      N->Calls.push_back(std::move(PC));
    }
  }

  // The same breadth-first propagation as one module's blocking graph
  // (BlockingGraph.cpp), one level at a time, so that witnesses start
  // shortest chains. An annotated function's callers see its annotation.
  auto Annotated = [](const ProgramFunction &F) {
    return F.Summary->AnnotatedBlocking || F.Summary->AnnotatedNonBlocking;
  };
  auto Propagate = [&](Blocking Level, std::deque<ProgramFunction *> Queue) {
    while (!Queue.empty()) {
      ProgramFunction *G = Queue.front();
      Queue.pop_front();
      auto It = Rev.find(G);
      if (It == Rev.end())
        continue;
      for (const RevEdge &E : It->second) {
        ProgramFunction &C = *E.Caller;
        if (C.State >= Level || Annotated(C))
          continue;
        C.State = Level;
        C.Why = Origin::Body;
        C.Witness = E.Call;
        C.WitnessCallee = G;
        C.Distance = G->Distance + 1;
        Queue.push_back(&C);
      }
    }
  };
  std::deque<ProgramFunction *> Blocked, Unknown;
  for (auto &N : Nodes) {
    if (N->Why == Origin::Table || N->Why == Origin::Annotated)
      Blocked.push_back(N.get());
    else if (N->Why == Origin::External)
      Unknown.push_back(N.get());
  }
  Propagate(Blocking::Blocks, std::move(Blocked));
  for (ProgramFunction *N : Unresolved) {
    if (N->State >= Blocking::Unknown || Annotated(*N))
      continue;
    for (size_t I = 0; I < N->Calls.size(); ++I)
      if (N->Calls[I].Indirect && N->Calls[I].Callees.empty()) {
        N->State = Blocking::Unknown;
        N->Why = Origin::Body;
        N->Witness = static_cast<int>(I);
        N->WitnessCallee = nullptr;
        N->Distance = 1;
        Unknown.push_back(N);
        break;
      }
  }
  Propagate(Blocking::Unknown, std::move(Unknown));

  computeBounds();

#ifndef NDEBUG
  for (auto &N : Nodes) {
    assert((N->Why != Origin::Body || N->Witness >= 0) && "a state from a body has a witness");
    LLVM_DEBUG(if (N->State != Blocking::No) dbgs()
               << "weft-program: " << N->Symbol << " (" << Units[N->Unit].Unit
               << "): " << toString(N->State) << "\n");
  }
#endif
}

void WholeProgram::computeBounds() {
  // Depth first; a function met again while its own bound is being
  // computed is on a cycle (recursion), which has no bound.
  enum class Mark : uint8_t { New, Active, Done };
  DenseMap<const ProgramFunction *, Mark> Marks;
  std::function<void(ProgramFunction &)> Visit = [&](ProgramFunction &F) {
    Marks[&F] = Mark::Active;
    const FunctionSummary &S = *F.Summary;
    if (!S.Defined) {
      F.BoundBytes = S.StackBound;
      if (!F.BoundBytes)
        F.Unbounded = "no bound is known for " + S.Symbol;
      Marks[&F] = Mark::Done;
      return;
    }
    if (!S.FrameBytes)
      F.Unbounded = "dynamic alloca";
    uint64_t Deepest = 0;
    for (const ProgramCall &C : F.Calls) {
      if (!F.Unbounded.empty())
        break;
      if (C.Callees.empty()) {
        F.Unbounded = C.Indirect ? "indirect call with no known target" : "unresolved call";
        break;
      }
      for (const ProgramFunction *Callee : C.Callees) {
        auto *G = const_cast<ProgramFunction *>(Callee);
        Mark M = Marks.lookup(G);
        if (M == Mark::Active) {
          F.Unbounded = "recursion";
          break;
        }
        if (M == Mark::New)
          Visit(*G);
        if (!G->BoundBytes) {
          F.Unbounded = "calls " + G->Symbol + ", which has no bound";
          break;
        }
        Deepest = std::max(Deepest, *G->BoundBytes);
      }
    }
    if (F.Unbounded.empty())
      F.BoundBytes = *S.FrameBytes + Deepest;
    Marks[&F] = Mark::Done;
  };
  for (auto &N : Nodes)
    if (Marks.lookup(N.get()) == Mark::New)
      Visit(*N);
}

const ProgramFunction *WholeProgram::definition(StringRef Symbol) const {
  auto It = Definitions.find(Symbol);
  return It == Definitions.end() ? nullptr : It->second;
}

const ProgramFunction *WholeProgram::worstTarget(StringRef Signature, StringRef Unit) const {
  auto It = BySignature.find(Signature);
  if (It == BySignature.end())
    return nullptr;
  const ProgramFunction *Worst = nullptr;
  for (const ProgramFunction *F : It->second) {
    if (!F->Summary->Defined || Units[F->Unit].Unit == Unit)
      continue;
    if (!Worst || F->State > Worst->State ||
        (F->State == Worst->State && F->Distance < Worst->Distance))
      Worst = F;
  }
  return Worst;
}

std::vector<const ProgramFunction *> WholeProgram::targets(StringRef Signature,
                                                         StringRef Unit) const {
  std::vector<const ProgramFunction *> Out;
  auto It = BySignature.find(Signature);
  if (It != BySignature.end())
    for (const ProgramFunction *F : It->second)
      if (F->Summary->Defined && Units[F->Unit].Unit != Unit)
        Out.push_back(F);
  return Out;
}

const LocationSet &WholeProgram::locationsOf(const ProgramFunction &Root) const {
  std::lock_guard<std::mutex> G(LocationsLock);
  if (auto It = Locations.find(&Root); It != Locations.end())
    return It->second;
  // Everything Root reaches that has no answer yet, each with its own
  // locations; then callers take their callees' to a fixed point.
  std::vector<const ProgramFunction *> Reach{&Root};
  std::map<const ProgramFunction *, LocationSet> New; // stable references
  New[&Root];
  for (size_t I = 0; I < Reach.size(); ++I) {
    const ProgramFunction *F = Reach[I];
    LocationSet &S = New[F];
    const FunctionSummary &Sum = *F->Summary;
    if (!Sum.Defined) {
      if (Sum.Memory == "any")
        S.unbound("calls '" + displayName(Sum.Symbol) + "', which weft cannot see into");
      continue;
    }
    S.Names.insert(Sum.Locations.begin(), Sum.Locations.end());
    if (!Sum.Unbounded.empty())
      S.unbound(Sum.Unbounded);
    for (const ProgramCall &C : F->Calls) {
      if (C.Callees.empty())
        S.unbound(C.Indirect ? "an indirect call with no known target"
                             : "a call weft cannot resolve");
      for (const ProgramFunction *G : C.Callees)
        if (!Locations.count(G) && New.try_emplace(G).second)
          Reach.push_back(G);
    }
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const ProgramFunction *F : Reach)
      for (const ProgramCall &C : F->Calls)
        for (const ProgramFunction *G : C.Callees) {
          auto Done = Locations.find(G);
          Changed |= New[F].merge(Done != Locations.end() ? Done->second : New[G]);
        }
  }
  for (auto &[F, S] : New)
    Locations[F] = std::move(S);
  return Locations[&Root];
}

LocationSet WholeProgram::sectionLocations(unsigned Unit, const SectionSummary &S) const {
  LocationSet Out;
  Out.Names.insert(S.Locations.begin(), S.Locations.end());
  if (!S.Unbounded.empty())
    Out.unbound(S.Unbounded);
  for (const CallSummary &C : S.Calls) {
    if (C.indirect()) {
      auto It = BySignature.find(C.Signature);
      if (It == BySignature.end() || It->second.empty())
        Out.unbound("an indirect call with no known target");
      else
        for (const ProgramFunction *T : It->second)
          Out.merge(locationsOf(*T));
      continue;
    }
    auto It = Scope[Unit].find(C.Callee);
    if (It == Scope[Unit].end())
      Out.unbound("a call weft cannot resolve");
    else
      Out.merge(locationsOf(*It->second));
  }
  return Out;
}

std::vector<ProgramStep> WholeProgram::chainBelow(const ProgramFunction &F) const {
  std::vector<ProgramStep> Chain;
  DenseSet<const ProgramFunction *> Seen;
  for (const ProgramFunction *Cur = &F; Cur && Cur->Why == Origin::Body && Seen.insert(Cur).second;
       Cur = Cur->WitnessCallee) {
    assert(Cur->Witness >= 0 && static_cast<size_t>(Cur->Witness) < Cur->Calls.size());
    Chain.push_back({Cur, Cur->WitnessCallee, Cur->Calls[Cur->Witness].Loc});
  }
  return Chain;
}

ProgramLink::~ProgramLink() = default;

namespace {

class SummaryDirectory : public ProgramLink {
public:
  explicit SummaryDirectory(std::string Dir) : Dir(std::move(Dir)) {}

  std::shared_ptr<const WholeProgram> join(UnitSummary Own, DiagnosticSink &Sink) override {
    std::vector<std::string> Problems;
    std::vector<UnitSummary> Units = readSummaries(Dir, Own.Unit, Problems);
    for (const std::string &P : Problems)
      Sink.report(Severity::Warning, SourceLoc(),
                  "weft: db=" + Dir + ": " + P + "; it is left out [weft-db]");
    std::string Err = writeSummary(Dir, Own);
    if (!Err.empty())
      Sink.report(Severity::Error, SourceLoc(), Err);
    Units.push_back(std::move(Own));
    return std::make_shared<const WholeProgram>(std::move(Units));
  }

private:
  std::string Dir;
};

std::mutex HostLinkLock;
std::shared_ptr<ProgramLink> HostLink;

} // namespace

std::shared_ptr<ProgramLink> summaryDirectory(std::string Dir) {
  return std::make_shared<SummaryDirectory>(std::move(Dir));
}

void setHostProgramLink(std::shared_ptr<ProgramLink> Link) {
  std::lock_guard<std::mutex> G(HostLinkLock);
  HostLink = std::move(Link);
}

std::shared_ptr<ProgramLink> hostProgramLink() {
  std::lock_guard<std::mutex> G(HostLinkLock);
  return HostLink;
}

} // namespace weft
