//===- CheckOutput.h - what weft-check writes besides its diagnostics -----===//
//
// weft-check keeps every diagnostic it prints as a Finding (with its notes)
// and writes them, on request, as SARIF 2.1.0 (--sarif) and as one
// self-contained HTML page (--html) that adds what the whole program knows:
// the blocking graph from the program's roots (functions with atomic
// sections, thread entries, main), and every function's answer and stack
// bounds.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PLUGIN_CHECKOUTPUT_H
#define WEFT_PLUGIN_CHECKOUTPUT_H

#include "Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace weft {

class WholeProgram;

/// One diagnostic as weft-check printed it; File is absolute.
struct Finding {
  Severity Level = Severity::Error;
  std::string Message;
  std::string File;
  unsigned Line = 0, Column = 0;
  std::vector<Finding> Notes;
};

/// The tag of a message ("weft-atomic"), or "clang" for the compiler's.
std::string ruleOf(llvm::StringRef Message);

/// Each returns "" on success, else what went wrong.
std::string writeSarif(const std::string &Path, const std::vector<Finding> &Findings,
                       llvm::StringRef Version);
std::string writeHtml(const std::string &Path, const std::vector<Finding> &Findings,
                      const WholeProgram &Program, llvm::StringRef Project);

} // namespace weft

#endif
