//===- Pipeline.h - where weft's passes go in a pass pipeline -------------===//
//
// Three entry points run weft's passes, and this file is the one place that
// puts them into a pipeline:
//
//   plugin/FrontendAction.cpp  clang -fplugin=WeftPlugin.so
//   plugin/PassPlugin.cpp      clang -fpass-plugin=, opt -load-pass-plugin
//                              with a default pipeline (opt -O2)
//   passes/Pipeline.cpp        opt -passes=weft-check<key=value;...>
//
// Each describes itself with a PipelineHost and what it has (options, a
// diagnostic sink, the AST's annotations, how the backend will run);
// PipelineSetup::forHost() and addWeftPasses() decide, in one place, what
// that means for the pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_PIPELINE_H
#define WEFT_PASSES_PIPELINE_H

#include "CodegenFrames.h"
#include "ObjectNeeds.h"
#include "Diagnostics.h"
#include "Options.h"

#include "llvm/IR/PassManager.h"

#include <memory>

namespace llvm {
class PassBuilder;
} // namespace llvm

namespace weft {

struct AnnotationFacts;
struct PendingReport;
class ProgramLink;

/// Who runs the pipeline. The differences between them, all of which
/// addWeftPasses() and PipelineSetup::forHost() apply:
///
///                       ClangFrontend       PassPlugin       OptPassName
///   options             -fplugin-arg-weft-* defaults         weft-check<...>
///   annotations         AST, then IR        IR only          IR only
///   diagnostics         Clang's engine      stderr           stderr
///   where it runs       start + last EPs    start EP         where named
///   report, stack graph at the last EP,     at once, on the  at once, on the
///                       on the final IR     IR as it is      IR as it is
///   whole program       db=<dir> or the     db=<dir>         db=<dir>
///                       host's link
///   linked stacks       linked-stacks (and  never            never
///                       not no-stack)
///   frames measured by  the backend (unless IR estimate      IR estimate
///                       frames=ir)
///   strip locations     if it added them    never            never
///   strip type tests    if it asked for     never            never
///                       them (C++)
///
/// Only the frontend has the options and the target settings the end of
/// the pipeline needs; the other two see the IR once, where they run.
enum class PipelineHost {
  /// The Clang frontend action (plugin/FrontendAction.cpp).
  ClangFrontend,
  /// WeftPlugin.so's llvmGetPassPluginInfo (plugin/PassPlugin.cpp).
  PassPlugin,
  /// The `weft-check` pass name of opt's textual pipelines.
  OptPassName,
};

/// What an entry point gives the pipeline.
struct PipelineSetup {
  PipelineHost Host = PipelineHost::PassPlugin;
  Options Opts;
  /// Where findings go; never null.
  std::shared_ptr<DiagnosticSink> Sink;
  /// The annotations the frontend read from the AST; null: from the IR only.
  std::shared_ptr<const AnnotationFacts> Facts;
  /// How the backend will run, to measure frames on a clone; null: the IR
  /// estimate. Only the frontend knows (and only with frames=codegen).
  std::shared_ptr<const CodegenConfig> Codegen;
  /// Where the unit's summary goes and the rest of the program comes from
  /// (db=<dir>, or weft-check's); null: the unit is checked alone.
  std::shared_ptr<ProgramLink> Program;
  /// Strip debug info once the checks have run: the frontend turned on
  /// location tracking for them, and the user did not ask for -g.
  bool StripLocations = false;
  /// Remove the type tests and vtable type metadata once the checks have
  /// run: the frontend turned on whole-program vtables for VirtualCalls.h,
  /// and the user did not.
  bool StripTypeTests = false;
  /// State shared by the two ends of one pipeline (ClangFrontend): the
  /// report built at the start, completed at the end, and the frames
  /// CheckpointsPass measured. Null for the other hosts.
  std::shared_ptr<PendingReport> Pending;
  std::shared_ptr<FrameSizes> Final;
  /// Set by the frontend when Clang writes an ELF object it can patch:
  /// CheckpointsPass leaves its frame-dependent constants to that object
  /// (ObjectNeeds.h). Null: they are measured on a clone.
  std::shared_ptr<DeferredNeeds> Deferred;

  /// The setup of `Host` with the given options: a stderr sink, no AST
  /// annotations, no codegen settings, and the shared state the host's
  /// pipeline needs. The frontend fills in the rest.
  static PipelineSetup forHost(PipelineHost Host, Options Opts = Options());
};

/// Where in the pipeline a group of weft's passes goes.
enum class PipelinePoint {
  /// PipelineStart: before inlining, so findings are at the calls the user
  /// wrote. Annotations, the checks, the report (or its first half).
  Start,
  /// OptimizerLast: the final IR. Checkpoints, then the report's stack
  /// bounds and the stack graph. ClangFrontend only.
  Last,
};

/// Adds weft's passes for `Point` to `MPM`, as `Setup` says.
void addWeftPasses(llvm::ModulePassManager &MPM, PipelinePoint Point, const PipelineSetup &Setup);

/// Registers weft's analyses and opt pass names (registerPasses) and
/// the extension-point callbacks that call addWeftPasses. `Setup.Host` must
/// be ClangFrontend or PassPlugin; opt's weft-check goes through
/// addWeftPasses directly.
void registerWeftPipeline(llvm::PassBuilder &PB, PipelineSetup Setup);

/// Registers weft's analyses and the pass names opt understands:
/// print<weft-blocking>, print<weft-stack>, print<weft-sections>,
/// weft-checkpoints, weft-annotations and weft-check<key=value;...>.
void registerPasses(llvm::PassBuilder &PB);

} // namespace weft

#endif
