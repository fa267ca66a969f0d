//===- Diagnostics.h - where weft's findings go ---------------------------===//
//
// The passes describe a finding as a severity, a source location taken from
// the IR's debug locations and a message ending in a stable tag such as
// [weft-atomic]. A DiagnosticSink delivers it: inside Clang, the plugin's
// sink turns it into a real Clang diagnostic (so -Werror, -verify and SARIF
// work); under opt, the stream sink prints it in Clang's format.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_DIAGNOSTICS_H
#define WEFT_PASSES_DIAGNOSTICS_H

#include "llvm/IR/DebugLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace llvm {
class Function;
class Instruction;
class DILocation;
} // namespace llvm

namespace weft {

enum class Severity { Error, Warning, Note, Remark };

struct SourceLoc {
  std::string File; // as written in the debug info: directory joined with name
  unsigned Line = 0;
  unsigned Column = 0;
  bool valid() const { return !File.empty() && Line != 0; }
};

/// The location of one inlined frame of a DILocation.
SourceLoc locationOf(const llvm::DILocation *DL);
/// Where the user wrote the instruction: the outermost frame of its
/// inlined-at chain (the call that was inlined), or the function's line.
SourceLoc userLocationOf(const llvm::Instruction &I);
/// The line of a function's definition, when known.
SourceLoc locationOf(const llvm::Function &F);

/// Demangled, human name of a function or symbol.
std::string displayName(llvm::StringRef Symbol);

class DiagnosticSink {
public:
  virtual ~DiagnosticSink();
  virtual void report(Severity S, const SourceLoc &Loc, const std::string &Message) = 0;
  unsigned errors() const { return Errors; }
  unsigned warnings() const { return Warnings; }

protected:
  void count(Severity S);

private:
  unsigned Errors = 0;
  unsigned Warnings = 0;
};

/// Drops what it is given (analyses run for their facts, not findings).
class NullDiagnosticSink : public DiagnosticSink {
public:
  void report(Severity, const SourceLoc &, const std::string &) override {}
};

/// Prints "file:line:col: error: message" to a stream.
class StreamDiagnosticSink : public DiagnosticSink {
public:
  explicit StreamDiagnosticSink(llvm::raw_ostream &OS) : OS(OS) {}
  void report(Severity S, const SourceLoc &Loc, const std::string &Message) override;

private:
  llvm::raw_ostream &OS;
};

} // namespace weft

#endif
