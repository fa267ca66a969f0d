//===- Diagnostics.cpp ----------------------------------------------------===//
#include "Diagnostics.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instruction.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace weft {

DiagnosticSink::~DiagnosticSink() = default;

void DiagnosticSink::count(Severity S) {
  if (S == Severity::Error)
    ++Errors;
  else if (S == Severity::Warning)
    ++Warnings;
}

static std::string joinPath(StringRef Dir, StringRef Name) {
  if (Name.empty())
    return "";
  if (sys::path::is_absolute(Name) || Dir.empty())
    return Name.str();
  SmallString<256> P(Dir);
  sys::path::append(P, Name);
  return std::string(P);
}

SourceLoc locationOf(const DILocation *DL) {
  SourceLoc L;
  if (!DL)
    return L;
  L.File = joinPath(DL->getDirectory(), DL->getFilename());
  L.Line = DL->getLine();
  L.Column = DL->getColumn();
  return L;
}

SourceLoc userLocationOf(const Instruction &I) {
  if (const DILocation *DL = I.getDebugLoc().get()) {
    while (DL->getInlinedAt())
      DL = DL->getInlinedAt();
    return locationOf(DL);
  }
  return locationOf(*I.getFunction());
}

SourceLoc locationOf(const Function &F) {
  SourceLoc L;
  if (const DISubprogram *SP = F.getSubprogram()) {
    L.File = joinPath(SP->getDirectory(), SP->getFilename());
    L.Line = SP->getLine();
  }
  return L;
}

std::string displayName(StringRef Symbol) {
  // "ns::f(int)" -> "ns::f", "int take<Pipe>(Pipe&)" -> "take<Pipe>".
  std::string Mangled = Symbol.str(); // the demangler points into it
  ItaniumPartialDemangler D;
  if (!D.partialDemangle(Mangled.c_str()) && D.isFunction()) {
    size_t Size = 0;
    if (char *Name = D.getFunctionName(nullptr, &Size)) {
      std::string Out(Name, strnlen(Name, Size));
      std::free(Name);
      return Out;
    }
  }
  return demangle(Symbol);
}

void StreamDiagnosticSink::report(Severity S, const SourceLoc &Loc,
                                  const std::string &Message) {
  count(S);
  if (Loc.valid()) {
    OS << Loc.File << ":" << Loc.Line << ":";
    if (Loc.Column)
      OS << Loc.Column << ":";
    OS << " ";
  }
  switch (S) {
  case Severity::Error:
    OS << "error: ";
    break;
  case Severity::Warning:
    OS << "warning: ";
    break;
  case Severity::Note:
    OS << "note: ";
    break;
  case Severity::Remark:
    OS << "remark: ";
    break;
  }
  OS << Message << "\n";
}

} // namespace weft
