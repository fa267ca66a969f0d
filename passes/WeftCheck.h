//===- WeftCheck.h - run weft's checks over a module ----------------------===//
//
// The pass the plugin adds at the start of every pipeline (every -O level;
// passes/Pipeline.h puts it there): it consumes the blocking graph and the
// atomic sections, reports findings through a DiagnosticSink, and writes
// the report and graphs that the options ask for. Running before inlining
// keeps each finding at the call the user wrote; the inlined-at chain
// covers IR that was optimised first.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_WEFTCHECK_H
#define WEFT_PASSES_WEFTCHECK_H

#include "CodegenFrames.h"
#include "Diagnostics.h"
#include "Options.h"

#include "llvm/IR/PassManager.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>

namespace weft {

class ProgramLink;

/// A report built at the start of the pipeline, to be completed with the
/// stack bounds of the final IR and written at its end.
struct PendingReport {
  std::optional<llvm::json::Value> Report;
  std::string Base;
};

class WeftCheckPass : public llvm::PassInfoMixin<WeftCheckPass> {
public:
  /// With `Pending`, the report waits for WeftFinishPass; without, it is
  /// written at once with the stack bounds of the IR as it is.
  /// With `Link`, the unit's summary goes to it and the checks run
  /// against the whole program it returns.
  WeftCheckPass(Options Opts, std::shared_ptr<DiagnosticSink> Sink,
                std::shared_ptr<PendingReport> Pending = nullptr,
                std::shared_ptr<ProgramLink> Link = nullptr)
      : Opts(std::move(Opts)), Sink(std::move(Sink)), Pending(std::move(Pending)),
        Link(std::move(Link)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  Options Opts;
  std::shared_ptr<DiagnosticSink> Sink;
  std::shared_ptr<PendingReport> Pending;
  std::shared_ptr<ProgramLink> Link;
};

/// At the end of the pipeline: completes and writes a pending report and
/// the stack graph. Frames are the backend's (`Final` if CheckpointsPass
/// measured them already, else measured here with `Codegen`) or, without
/// either, the IR estimate.
class WeftFinishPass : public llvm::PassInfoMixin<WeftFinishPass> {
public:
  WeftFinishPass(Options Opts, std::shared_ptr<DiagnosticSink> Sink,
                 std::shared_ptr<PendingReport> Pending,
                 std::shared_ptr<const CodegenConfig> Codegen = nullptr,
                 std::shared_ptr<FrameSizes> Final = nullptr)
      : Opts(std::move(Opts)), Sink(std::move(Sink)), Pending(std::move(Pending)),
        Codegen(std::move(Codegen)), Final(std::move(Final)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  Options Opts;
  std::shared_ptr<DiagnosticSink> Sink;
  std::shared_ptr<PendingReport> Pending;
  std::shared_ptr<const CodegenConfig> Codegen;
  std::shared_ptr<FrameSizes> Final;
};

} // namespace weft

#endif
