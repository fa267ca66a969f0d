//===- WeftCheck.h - run weft's checks over a module ----------------------===//
//
// The pass the plugin adds at the start of every pipeline (every -O level):
// it consumes the blocking graph and the atomic sections, reports findings
// through a DiagnosticSink, and writes the report and graphs that the
// options ask for. Running before inlining keeps each finding at the call
// the user wrote; the inlined-at chain covers IR that was optimised first.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_WEFTCHECK_H
#define WEFT_PASSES_WEFTCHECK_H

#include "Diagnostics.h"
#include "Options.h"

#include "llvm/IR/PassManager.h"

#include <memory>

namespace llvm {
class PassBuilder;
}

namespace weft {

class WeftCheckPass : public llvm::PassInfoMixin<WeftCheckPass> {
public:
  WeftCheckPass(Options Opts, std::shared_ptr<DiagnosticSink> Sink)
      : Opts(std::move(Opts)), Sink(std::move(Sink)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  Options Opts;
  std::shared_ptr<DiagnosticSink> Sink;
};

/// Registers weft's analyses and the pass names opt understands:
/// print<weft-blocking>, print<weft-sections>, weft-annotations and
/// weft-check<key=value;...>.
void registerPasses(llvm::PassBuilder &PB);

} // namespace weft

#endif
