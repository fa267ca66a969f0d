//===- AtomicSections.h - WEFT_ATOMIC sections and the no-blocking check --===//
//
// WEFT_ATOMIC expands to a call of __weft_section_enter at the start of the
// block and a cleanup that calls __weft_section_leave on every way out of
// it. A section is the set of instructions reachable from an enter call
// before the matching leave; nesting is tracked with a depth counter along
// each path, so inner sections do not end outer ones.
//
// The check: a call in a section that may reach a blocking point is an
// error, with the chain of calls as notes, because a section must stay on
// one edge of the blocking graph. A call to an unknown function is a
// warning that says how to annotate it. A WEFT_NONBLOCKING function whose
// body may block is an error at the offending call.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_ATOMICSECTIONS_H
#define WEFT_PASSES_ATOMICSECTIONS_H

#include "llvm/IR/PassManager.h"

#include <vector>

namespace llvm {
class CallBase;
class Instruction;
class Function;
class raw_ostream;
} // namespace llvm

namespace weft {

class BlockingGraph;
class DiagnosticSink;

inline constexpr const char *SectionEnterName = "__weft_section_enter";
inline constexpr const char *SectionLeaveName = "__weft_section_leave";

struct AtomicSection {
  llvm::CallBase *Enter = nullptr;
  /// Calls inside the section and not inside a nested one.
  std::vector<llvm::CallBase *> Calls;
  /// Every instruction inside the section, nested sections' included (they
  /// run under this one's locks), in no particular order.
  std::vector<llvm::Instruction *> Body;
  /// Index of the enclosing section in the same function, or -1.
  int Parent = -1;
};

class AtomicSections {
public:
  explicit AtomicSections(llvm::Module &M);
  const std::vector<AtomicSection> &sections() const { return Sections; }
  void print(llvm::raw_ostream &OS) const;

  bool invalidate(llvm::Module &, const llvm::PreservedAnalyses &PA,
                  llvm::ModuleAnalysisManager::Invalidator &);

private:
  std::vector<AtomicSection> Sections;
};

class AtomicSectionsAnalysis : public llvm::AnalysisInfoMixin<AtomicSectionsAnalysis> {
public:
  using Result = AtomicSections;
  Result run(llvm::Module &M, llvm::ModuleAnalysisManager &) { return AtomicSections(M); }

private:
  friend llvm::AnalysisInfoMixin<AtomicSectionsAnalysis>;
  static llvm::AnalysisKey Key;
};

class AtomicSectionsPrinter : public llvm::PassInfoMixin<AtomicSectionsPrinter> {
public:
  explicit AtomicSectionsPrinter(llvm::raw_ostream &OS) : OS(OS) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  llvm::raw_ostream &OS;
};

/// Runs the atomic-section and WEFT_NONBLOCKING checks; returns the number
/// of errors reported.
unsigned checkAtomicSections(const AtomicSections &Sections, const BlockingGraph &G,
                             DiagnosticSink &Sink);

} // namespace weft

#endif
