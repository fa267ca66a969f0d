//===- WeftCheck.cpp ------------------------------------------------------===//
#include "WeftCheck.h"

#include "AtomicSections.h"
#include "BlockingGraph.h"
#include "LiveState.h"
#include "Races.h"
#include "Report.h"
#include "SectionLocks.h"
#include "StackBounds.h"
#include "Summary.h"
#include "WholeProgram.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace weft {

PreservedAnalyses WeftCheckPass::run(Module &M, ModuleAnalysisManager &MAM) {
  const AtomicSections &S = MAM.getResult<AtomicSectionsAnalysis>(M);
  unsigned ErrorsBefore = Sink->errors(), WarningsBefore = Sink->warnings();
  // This unit's own graph is what its summary says; with the rest of the
  // program, the checks and the report use the graph that sees across
  // units.
  const BlockingGraph *Graph = &MAM.getResult<BlockingGraphAnalysis>(M);
  std::shared_ptr<const WholeProgram> Program;
  std::optional<BlockingGraph> Joined;
  if (Link) {
    UnitSummary Own = summarize(*Graph, S);
    if (Opts.Race)
      summarizeThreads(*Graph, S, Own);
    Program = Link->join(std::move(Own), *Sink);
  }
  if (Program)
    Graph = &Joined.emplace(M, Program.get());
  const BlockingGraph &G = *Graph;
  // Without a pending report, the report and the stack graph share one
  // computation of the stack bounds of the IR as it is.
  std::optional<StackBounds> Stack;
  auto Bounds = [&]() -> const StackBounds & {
    if (!Stack)
      Stack.emplace(M, Opts.MaxPath, Opts.MinChunk);
    return *Stack;
  };
  if (Opts.Atomic)
    checkAtomicSections(S, G, *Sink);
  const LiveState *Live = Opts.LiveState || !Opts.ReportDir.empty()
                              ? &MAM.getResult<LiveStateAnalysis>(M)
                              : nullptr;
  if (Live && Opts.LiveState)
    checkLiveState(*Live, Opts.LiveStateThreshold, *Sink);
  std::vector<RaceFinding> Races;
  LockChecks Checks;
  Checks.CheckThenAct = Opts.Race;
  Checks.DataRaces = Opts.Race && Opts.Workers != 1;
  Checks.LockHeld = Opts.LockHeld;
  for (RaceFinding &R : checkRaces(G, S, Checks, *Sink))
    if (R.What != RaceFinding::LockHeld)
      Races.push_back(std::move(R));
  // Races with other units' code: each reported in the unit of its write.
  if (Program && Checks.DataRaces) {
    std::string Unit = unitOf(M);
    for (const ProgramRace &R : Program->races())
      if (Program->unitName(*R.AtFunction) == Unit)
        if (std::optional<RaceFinding> F =
                reportProgramRace(*Program, R, static_cast<unsigned>(Opts.RaceLimit), *Sink))
          Races.push_back(std::move(*F));
  }
  std::vector<SectionLocks> Locks;
  if (Opts.SectionLocks)
    Locks = inferSectionLocks(S, G);
  const std::vector<SectionLocks> *LocksIfAny = Opts.SectionLocks ? &Locks : nullptr;
  if (!Opts.ReportDir.empty()) {
    if (Pending) {
      Pending->Report = buildReport(G, S, nullptr, Live, LocksIfAny, &Races);
      Pending->Base = reportBaseName(M);
    } else {
      std::string Err = writeReport(Opts.ReportDir, reportBaseName(M),
                                    buildReport(G, S, &Bounds(), Live, LocksIfAny, &Races));
      if (!Err.empty())
        Sink->report(Severity::Error, SourceLoc(), Err);
    }
  }
  if (!Opts.GraphDir.empty()) {
    std::string Err = writeGraphs(Opts.GraphDir, G);
    if (Err.empty() && !Pending)
      Err = writeStackGraph(Opts.GraphDir, reportBaseName(M), Bounds());
    if (!Err.empty())
      Sink->report(Severity::Error, SourceLoc(), Err);
  }
  if (Opts.Stats) {
    unsigned Defined = 0, Blocks = 0, Unknown = 0, Points = 0;
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      ++Defined;
      Blocking B = G.facts(F).State;
      Blocks += B == Blocking::Blocks;
      Unknown += B == Blocking::Unknown;
      Points += G.blockingPoints(F).size();
    }
    std::string Msg;
    raw_string_ostream OS(Msg);
    OS << "weft: " << reportBaseName(M) << ": " << Defined << " functions (" << Blocks
       << " may block, " << Unknown << " unknown), " << Points << " blocking points, "
       << S.sections().size() << " atomic sections; "
       << (Sink->errors() - ErrorsBefore) << " errors, "
       << (Sink->warnings() - WarningsBefore) << " warnings";
    Sink->report(Severity::Remark, SourceLoc(), OS.str());
  }
  // Last: the sections' descriptions change the module.
  if (Opts.SectionLocks && emitSectionDescriptions(S, Locks))
    return PreservedAnalyses::none();
  return PreservedAnalyses::all();
}

PreservedAnalyses WeftFinishPass::run(Module &M, ModuleAnalysisManager &MAM) {
  bool Report = Pending && Pending->Report;
  if (!Report && Opts.GraphDir.empty())
    return PreservedAnalyses::all();
  StringMap<uint64_t> Measured;
  const StringMap<uint64_t> *Exact =
      Final && Final->Known
          ? &Final->Sizes
          : measureFrames(M, Codegen.get(), Measured, Sink.get(),
                          "the report's frame_bytes are the estimate from the IR");
  StackBounds Stack(M, Opts.MaxPath, Opts.MinChunk, Exact);
  if (Report) {
    addStackBounds(*Pending->Report, Stack);
    std::string Err = writeReport(Opts.ReportDir, Pending->Base, *Pending->Report);
    if (!Err.empty())
      Sink->report(Severity::Error, SourceLoc(), Err);
    Pending->Report.reset();
  }
  if (!Opts.GraphDir.empty()) {
    std::string Err = writeStackGraph(Opts.GraphDir, reportBaseName(M), Stack);
    if (!Err.empty())
      Sink->report(Severity::Error, SourceLoc(), Err);
  }
  return PreservedAnalyses::all();
}

} // namespace weft
