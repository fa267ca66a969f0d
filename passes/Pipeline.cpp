//===- Pipeline.cpp - where weft's passes go in a pass pipeline -----------===//
#include "Pipeline.h"

#include "Annotations.h"
#include "AtomicSections.h"
#include "BlockingGraph.h"
#include "Checkpoints.h"
#include "LiveState.h"
#include "Scratch.h"
#include "StackBounds.h"
#include "VirtualCalls.h"
#include "WeftCheck.h"
#include "WholeProgram.h"

#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cstring>

using namespace llvm;

namespace weft {

namespace {

/// Removes the location-only debug info the frontend turned on.
struct StripLocationsPass : PassInfoMixin<StripLocationsPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return StripDebugInfo(M) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

/// Removes the type tests the frontend asked Clang for (VirtualCalls.h).
struct StripTypeTestsPass : PassInfoMixin<StripTypeTestsPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return stripTypeTests(M) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

/// Parses "key=value;key" pass parameters with the plugin's option rules.
bool parseParams(StringRef Params, Options &Opts) {
  SmallVector<StringRef, 4> Items;
  Params.split(Items, ';', -1, false);
  for (StringRef Item : Items) {
    std::string Error;
    if (!Opts.parse(Item.str(), Error)) {
      errs() << Error << "\n";
      return false;
    }
  }
  return true;
}

/// `Name` is `Base` or `Base<params>`; sets Params to what is between the
/// angle brackets.
bool matchesWithParams(StringRef Name, StringRef Base, StringRef &Params) {
  if (Name == Base) {
    Params = "";
    return true;
  }
  if (!Name.starts_with(Base) || !Name.drop_front(Base.size()).starts_with("<") ||
      !Name.ends_with(">"))
    return false;
  Params = Name.drop_front(Base.size() + 1).drop_back();
  return true;
}

} // namespace

PipelineSetup PipelineSetup::forHost(PipelineHost Host, Options Opts) {
  PipelineSetup S;
  S.Host = Host;
  S.Opts = std::move(Opts);
  S.Sink = std::make_shared<StreamDiagnosticSink>(errs());
  if (!S.Opts.DbDir.empty())
    S.Program = summaryDirectory(S.Opts.DbDir);
  else if (Host == PipelineHost::ClangFrontend)
    S.Program = hostProgramLink();
  if (Host == PipelineHost::ClangFrontend) {
    // The report waits for the final IR's stack bounds (WeftFinishPass).
    S.Pending = std::make_shared<PendingReport>();
    S.Final = std::make_shared<FrameSizes>();
  }
  return S;
}

void addWeftPasses(ModulePassManager &MPM, PipelinePoint Point, const PipelineSetup &S) {
  assert(S.Sink && "weft's passes report through a sink");
  assert((S.Host == PipelineHost::ClangFrontend || (!S.Pending && !S.Final && !S.Codegen && !S.Deferred &&
                                                    !S.StripLocations && !S.StripTypeTests)) &&
         "only the frontend's pipeline has two ends and knows the backend");
  switch (Point) {
  case PipelinePoint::Start:
    MPM.addPass(ApplyAnnotationsPass(S.Facts));
    MPM.addPass(WeftCheckPass(S.Opts, S.Sink, S.Pending, S.Program));
    // After the checks, which describe the frames the user wrote; opt's
    // weft-check only checks (weft-scratch names the transform there).
    if (S.Opts.Scratch && S.Host != PipelineHost::OptPassName)
      MPM.addPass(ScratchPass(S.Opts.ScratchThreshold, S.Sink, S.Opts.Stats, S.Pending));
    if (S.StripLocations)
      MPM.addPass(StripLocationsPass());
    if (S.StripTypeTests)
      MPM.addPass(StripTypeTestsPass());
    return;
  case PipelinePoint::Last:
    // Only where the start left something to finish: the other hosts
    // wrote their report at the start, and insert no checkpoints.
    if (S.Host != PipelineHost::ClangFrontend)
      return;
    // Stack bounds need the final IR: checkpoints go in last, and the
    // report, completed after them, describes the code that is emitted.
    if (S.Opts.LinkedStacks && S.Opts.Stack)
      MPM.addPass(CheckpointsPass(S.Opts.MaxPath, S.Opts.MinChunk, S.Codegen, S.Final, S.Sink,
                                    S.Deferred));
    MPM.addPass(WeftFinishPass(S.Opts, S.Sink, S.Pending, S.Codegen, S.Final));
    return;
  }
}

void registerWeftPipeline(PassBuilder &PB, PipelineSetup Setup) {
  assert(Setup.Host != PipelineHost::OptPassName &&
         "opt's weft-check is placed by its pipeline text, not at extension points");
  registerPasses(PB);
  PB.registerPipelineStartEPCallback([Setup](ModulePassManager &MPM, OptimizationLevel) {
    addWeftPasses(MPM, PipelinePoint::Start, Setup);
  });
  if (Setup.Host == PipelineHost::ClangFrontend)
    PB.registerOptimizerLastEPCallback([Setup](ModulePassManager &MPM, OptimizationLevel) {
      addWeftPasses(MPM, PipelinePoint::Last, Setup);
    });
}

void registerPasses(PassBuilder &PB) {
  PB.registerAnalysisRegistrationCallback([](ModuleAnalysisManager &MAM) {
    MAM.registerPass([] { return BlockingGraphAnalysis(); });
    MAM.registerPass([] { return AtomicSectionsAnalysis(); });
    MAM.registerPass([] { return LiveStateAnalysis(); });
  });
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
        StringRef Params;
        if (Name == "print<weft-blocking>") {
          MPM.addPass(BlockingGraphPrinter(outs()));
          return true;
        }
        // print<weft-stack> or print<weft-stack;max-path=N;min-chunk=N>
        if (Name.starts_with("print<weft-stack") && Name.ends_with(">")) {
          Options Opts;
          if (!parseParams(Name.drop_front(strlen("print<weft-stack")).drop_back(), Opts))
            return false;
          MPM.addPass(StackBoundsPrinter(outs(), Opts.MaxPath, Opts.MinChunk));
          return true;
        }
        if (Name == "print<weft-live>") {
          MPM.addPass(LiveStatePrinter(outs()));
          return true;
        }
        if (Name == "print<weft-sections>") {
          MPM.addPass(AtomicSectionsPrinter(outs()));
          return true;
        }
        // weft-checkpoints or weft-checkpoints<max-path=N;min-chunk=N>
        if (matchesWithParams(Name, "weft-checkpoints", Params)) {
          Options Opts;
          if (!parseParams(Params, Opts))
            return false;
          MPM.addPass(CheckpointsPass(Opts.MaxPath, Opts.MinChunk));
          return true;
        }
        // weft-scratch or weft-scratch<scratch-threshold=N>
        if (matchesWithParams(Name, "weft-scratch", Params)) {
          Options Opts;
          if (!parseParams(Params, Opts))
            return false;
          MPM.addPass(ScratchPass(Opts.ScratchThreshold));
          return true;
        }
        if (Name == "weft-annotations") {
          MPM.addPass(ApplyAnnotationsPass(nullptr));
          return true;
        }
        // weft-check or weft-check<key=value;...>
        if (matchesWithParams(Name, "weft-check", Params)) {
          Options Opts;
          if (!parseParams(Params, Opts))
            return false;
          addWeftPasses(MPM, PipelinePoint::Start,
                        PipelineSetup::forHost(PipelineHost::OptPassName, std::move(Opts)));
          return true;
        }
        return false;
      });
}

} // namespace weft
