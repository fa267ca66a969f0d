//===- Report.cpp ---------------------------------------------------------===//
#include "Report.h"

#include "Annotations.h"
#include "AtomicSections.h"
#include "BlockingCalls.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "Diagnostics.h"
#include "LiveState.h"
#include "Races.h"
#include "SectionLocks.h"
#include "StackBounds.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

using namespace llvm;

namespace weft {

std::string reportBaseName(const Module &M) {
  StringRef Src = M.getSourceFileName();
  if (Src.empty())
    Src = M.getModuleIdentifier();
  return sys::path::filename(Src).str();
}

std::string writeAtomically(const std::string &Dir, const std::string &Name,
                            function_ref<void(raw_ostream &)> Write) {
  if (std::error_code EC = sys::fs::create_directories(Dir))
    return "weft: cannot create directory '" + Dir + "': " + EC.message();
  SmallString<256> Path(Dir);
  sys::path::append(Path, Name);
  SmallString<256> Tmp;
  int FD;
  if (std::error_code EC = sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Tmp))
    return "weft: cannot write '" + std::string(Path) + "': " + EC.message();
  {
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    Write(OS);
    if (OS.has_error()) {
      std::string Msg = "weft: cannot write '" + std::string(Path) + "': " + OS.error().message();
      OS.clear_error();
      sys::fs::remove(Tmp);
      return Msg;
    }
  }
  if (std::error_code EC = sys::fs::rename(Tmp, Path)) {
    sys::fs::remove(Tmp);
    return "weft: cannot write '" + std::string(Path) + "': " + EC.message();
  }
  return "";
}

namespace {

/// Bytes of the fixed-size stack objects of a function (its allocas).
uint64_t staticAllocaBytes(const Function &F) {
  const DataLayout &DL = F.getParent()->getDataLayout();
  uint64_t Bytes = 0;
  for (const Instruction &I : instructions(F))
    if (auto *AI = dyn_cast<AllocaInst>(&I))
      if (AI->isStaticAlloca())
        if (std::optional<TypeSize> S = AI->getAllocationSize(DL))
          if (!S->isScalable())
            Bytes += S->getFixedValue();
  return Bytes;
}

std::string calleeName(const CallBase &CB, Function *Culprit) {
  if (const Function *F = directCallee(CB))
    return F->getName().str();
  return Culprit ? "<indirect: " + Culprit->getName().str() + ">" : "<indirect>";
}

std::string dotEscape(StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out;
}

} // namespace

json::Value buildReport(const BlockingGraph &G, const AtomicSections &Sections,
                        const StackBounds *Stack, const LiveState *Live,
                        const std::vector<SectionLocks> *Locks,
                        const std::vector<RaceFinding> *Races) {
  const Module &M = G.module();
  json::Array Functions, Points, SectionList;
  for (const Function &F : M) {
    if (F.isDeclaration())
      continue;
    const FunctionFacts &FF = G.facts(F);
    FunctionAnnotations A = annotationsOf(F);
    json::Object Fn{{"name", F.getName().str()},
                    {"frame_bytes", nullptr},
                    {"bound_bytes", nullptr},
                    {"may_block", FF.State == Blocking::Blocks},
                    {"blocking", toString(FF.State)},
                    {"checkpoints", 0}};
    if (Live) {
      std::optional<uint64_t> Max = Live->maxPinnedBytes(F);
      Fn["max_pinned_bytes"] = Max ? json::Value(static_cast<int64_t>(*Max)) : json::Value(nullptr);
    }
    if (A.NonBlocking)
      Fn["annotation"] = "nonblocking";
    else if (A.Blocking)
      Fn["annotation"] = "blocking";
    Functions.push_back(std::move(Fn));
    uint64_t Objects = Live ? 0 : staticAllocaBytes(F);
    for (CallBase *CB : G.blockingPoints(F)) {
      const LivePoint *LP = Live ? Live->at(*CB) : nullptr;
      assert((!Live || LP) && "the live-state analysis covers every blocking point");
      Function *Culprit = nullptr;
      G.stateOfCall(*CB, &Culprit);
      SourceLoc L = userLocationOf(*CB);
      json::Object P{{"function", F.getName().str()},
                     {"line", static_cast<int64_t>(L.Line)},
                     {"column", static_cast<int64_t>(L.Column)},
                     {"callee", calleeName(*CB, Culprit)},
                     {"live_bytes", static_cast<int64_t>(LP ? LP->LiveBytes : Objects)},
                     {"pinned_bytes", static_cast<int64_t>(LP ? LP->PinnedBytes : Objects)}};
      if (Culprit)
        if (std::optional<StringRef> Kind = blockingKind(Culprit->getName()))
          P["kind"] = Kind->str();
      Points.push_back(std::move(P));
    }
  }
  for (size_t I = 0; I < Sections.sections().size(); ++I) {
    const AtomicSection &S = Sections.sections()[I];
    SourceLoc L = userLocationOf(*S.Enter);
    // Without inference (no-section-locks) every section is coarse.
    json::Array LockNames;
    json::Object Section{{"function", S.Enter->getFunction()->getName().str()},
                         {"line", static_cast<int64_t>(L.Line)},
                         {"calls", static_cast<int64_t>(S.Calls.size())}};
    if (!Locks || (*Locks)[I].Coarse) {
      LockNames.push_back("coarse");
      Section["coarse_reason"] = Locks ? (*Locks)[I].Why : "no-section-locks";
    } else {
      for (const std::string &N : (*Locks)[I].Names)
        LockNames.push_back(N);
    }
    Section["locks"] = std::move(LockNames);
    SectionList.push_back(std::move(Section));
  }
  json::Array RaceList;
  if (Races)
    for (const RaceFinding &R : *Races)
      RaceList.push_back(json::Object{
          {"kind", R.What == RaceFinding::DataRace ? "data-race" : "check-then-act"},
          {"location", R.Location},
          {"line", static_cast<int64_t>(R.At.Line)},
          {"column", static_cast<int64_t>(R.At.Column)},
          {"other_line", static_cast<int64_t>(R.Other.Line)}});
  json::Array Entries;
  if (Live)
    for (const Function *F : Live->threadEntries()) {
      std::optional<uint64_t> Max = Live->maxPinnedBytes(*F);
      Entries.push_back(json::Object{
          {"function", F->getName().str()},
          {"max_pinned_bytes",
           Max ? json::Value(static_cast<int64_t>(*Max)) : json::Value(nullptr)}});
    }
  json::Value Report(json::Object{{"version", 1},
                                  {"file", M.getSourceFileName()},
                                  {"functions", std::move(Functions)},
                                  {"thread_entries", std::move(Entries)},
                                  {"blocking_points", std::move(Points)},
                                  {"sections", std::move(SectionList)},
                                  {"races", std::move(RaceList)}});
  if (Stack)
    addStackBounds(Report, *Stack);
  return Report;
}

void addStackBounds(json::Value &Report, const StackBounds &Stack) {
  json::Object *Root = Report.getAsObject();
  json::Array *Functions = Root ? Root->getArray("functions") : nullptr;
  if (!Functions)
    return;
  const Module &M = Stack.module();
  for (json::Value &V : *Functions) {
    json::Object *Fn = V.getAsObject();
    std::optional<StringRef> Name = Fn ? Fn->getString("name") : std::nullopt;
    const Function *F = Name ? M.getFunction(*Name) : nullptr;
    const StackFacts *SF = F ? Stack.facts(*F) : nullptr;
    if (!SF) {
      (*Fn)["inlined_away"] = true;
      continue;
    }
    if (SF->FrameBytes)
      (*Fn)["frame_bytes"] = static_cast<int64_t>(*SF->FrameBytes);
    if (SF->SubtreeBytes)
      (*Fn)["bound_bytes"] = static_cast<int64_t>(*SF->SubtreeBytes);
    (*Fn)["path_bytes"] = static_cast<int64_t>(SF->PathBytes);
    (*Fn)["checkpoints"] = static_cast<int64_t>(SF->Checkpoints.size());
    // Its entry in the table that sizes a thread's first segment.
    if (Stack.instrumented() && hasFirstSegmentNeed(*F, *SF))
      (*Fn)["first_segment"] = json::Object{
          {"stack_bytes", static_cast<int64_t>(SF->FirstSegmentBytes)},
          {"reserve_bytes", SF->Unwinds ? json::Value("unwinder")
                                        : json::Value(static_cast<int64_t>(SF->ReserveBytes))}};
  }
}

std::string writeReport(const std::string &Dir, const std::string &Base,
                        const json::Value &Report) {
  return writeAtomically(Dir, Base + ".weft.json",
                         [&](raw_ostream &OS) { OS << formatv("{0:2}", Report) << "\n"; });
}

std::string writeGraphs(const std::string &Dir, const BlockingGraph &G) {
  const Module &M = G.module();
  std::string Base = reportBaseName(M);
  auto Color = [](Blocking B) {
    return B == Blocking::Blocks ? "red" : B == Blocking::Unknown ? "orange" : "darkgreen";
  };
  std::string Err = writeAtomically(Dir, Base + ".calls.dot", [&](raw_ostream &OS) {
    OS << "digraph \"calls: " << dotEscape(Base) << "\" {\n  node [shape=box];\n";
    DenseSet<const Function *> Shown;
    auto Node = [&](const Function &F) {
      if (!Shown.insert(&F).second)
        return;
      OS << "  \"" << dotEscape(F.getName()) << "\" [label=\""
         << dotEscape(displayName(F.getName())) << "\\n" << toString(G.facts(F).State)
         << "\", color=" << Color(G.facts(F).State)
         << (F.isDeclaration() ? ", style=dashed" : "") << "];\n";
    };
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      Node(F);
      for (const CallSite &CS : G.callSites(F))
        for (const Function *C : CS.Callees) {
          if (C->isIntrinsic())
            continue;
          Node(*C);
          OS << "  \"" << dotEscape(F.getName()) << "\" -> \"" << dotEscape(C->getName())
             << "\"" << (CS.Indirect ? " [style=dotted]" : "") << ";\n";
        }
    }
    OS << "}\n";
  });
  if (!Err.empty())
    return Err;
  return writeAtomically(Dir, Base + ".blocking.dot", [&](raw_ostream &OS) {
    OS << "digraph \"blocking graph: " << dotEscape(Base) << "\" {\n";
    unsigned Cluster = 0;
    for (const Function &F : M) {
      if (F.isDeclaration() || G.facts(F).State != Blocking::Blocks)
        continue;
      std::string Id = "f" + std::to_string(Cluster++);
      OS << "  subgraph cluster_" << Id << " {\n    label=\""
         << dotEscape(displayName(F.getName())) << "\";\n";
      OS << "    " << Id << "_entry [label=\"entry\", shape=circle];\n";
      OS << "    " << Id << "_exit [label=\"exit\", shape=doublecircle];\n";
      DenseMap<const CallBase *, unsigned> Index;
      for (CallBase *CB : G.blockingPoints(F)) {
        unsigned N = Index.size();
        Index[CB] = N;
        Function *Culprit = nullptr;
        G.stateOfCall(*CB, &Culprit);
        SourceLoc L = userLocationOf(*CB);
        OS << "    " << Id << "_bp" << N << " [shape=box, color=red, label=\""
           << dotEscape(displayName(calleeName(*CB, Culprit)));
        if (L.valid())
          OS << "\\nline " << L.Line;
        OS << "\"];\n";
      }
      for (auto [From, To] : G.edges(F)) {
        OS << "    " << Id << (From ? "_bp" + std::to_string(Index[From]) : "_entry") << " -> "
           << Id << (To ? "_bp" + std::to_string(Index[To]) : "_exit") << ";\n";
      }
      OS << "  }\n";
    }
    OS << "}\n";
  });
}

} // namespace weft

namespace weft {

std::string writeStackGraph(const std::string &Dir, const std::string &Base,
                            const StackBounds &Stack) {
  const Module &M = Stack.module();
  return writeAtomically(Dir, Base + ".stack.dot", [&](raw_ostream &OS) {
    OS << "digraph \"stack: " << dotEscape(Base) << "\" {\n  node [shape=box];\n";
    // A call through a checking trampoline is drawn as the checked call it
    // stands for; the trampolines themselves are left out.
    auto Checkpointed = [](const Function &T) -> const CallBase * {
      for (const Instruction &I : instructions(T))
        if (const auto *CB = dyn_cast<CallBase>(&I); CB && CB->hasMetadata(CheckpointMD))
          return CB;
      return nullptr;
    };
    for (const Function &F : M) {
      const StackFacts *SF = Stack.facts(F);
      if (!SF || F.hasFnAttribute(TrampolineAttr))
        continue;
      OS << "  \"" << dotEscape(F.getName()) << "\" [label=\"" << dotEscape(displayName(F.getName()))
         << "\\nframe " << (SF->FrameBytes ? std::to_string(*SF->FrameBytes) : "dynamic")
         << ", path " << SF->PathBytes << "\"];\n";
      DenseSet<const CallBase *> Checked;
      for (const Checkpoint &C : SF->Checkpoints)
        Checked.insert(C.Call);
      for (const Instruction &I : instructions(F)) {
        const auto *CB = dyn_cast<CallBase>(&I);
        if (!CB || isIgnoredCall(*CB))
          continue;
        const Function *G = directCallee(*CB);
        bool Through = G && G->hasFnAttribute(TrampolineAttr);
        if (Through)
          if (const CallBase *Inner = Checkpointed(*G))
            G = directCallee(*Inner);
        std::string To = G ? G->getName().str() : "<indirect>";
        OS << "  \"" << dotEscape(F.getName()) << "\" -> \"" << dotEscape(To) << "\"";
        if (Through || Checked.count(CB))
          OS << " [color=red, style=bold, label=\"checkpoint\"]";
        OS << ";\n";
      }
    }
    OS << "}\n";
  });
}

} // namespace weft
