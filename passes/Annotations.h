//===- Annotations.h - WEFT_* annotations in the IR -----------------------===//
//
// The annotations of weft/weft.h reach the IR in two ways. The frontend
// plugin reads them from the AST (declarations included) and puts them on
// the IR functions as string attributes ("weft.blocking",
// "weft.nonblocking", "weft.stack-bound"="<bytes>"); without the frontend
// (opt, -fpass-plugin), the definitions' entries in llvm.global.annotations
// are read instead. Analyses only ever ask this class.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_ANNOTATIONS_H
#define WEFT_PASSES_ANNOTATIONS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/IR/PassManager.h"

#include <cstdint>
#include <optional>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace weft {

inline constexpr const char *AttrBlocking = "weft.blocking";
inline constexpr const char *AttrNonBlocking = "weft.nonblocking";
inline constexpr const char *AttrStackBound = "weft.stack-bound";
inline constexpr const char *AttrNoRace = "weft.norace";

struct FunctionAnnotations {
  bool Blocking = false;
  bool NonBlocking = false;
  std::optional<uint64_t> StackBound;
  bool empty() const { return !Blocking && !NonBlocking && !StackBound; }
};

struct AnnotationFacts {
  llvm::StringMap<FunctionAnnotations> Functions; // by symbol name
  llvm::StringMap<bool> NoRaceVariables;          // by symbol name
};

/// Reads a function's annotations from its attributes.
FunctionAnnotations annotationsOf(const llvm::Function &F);

/// Moves llvm.global.annotations entries onto function attributes.
void importGlobalAnnotations(llvm::Module &M);

/// Puts the frontend's facts on the module's functions and globals, then
/// imports llvm.global.annotations.
class ApplyAnnotationsPass : public llvm::PassInfoMixin<ApplyAnnotationsPass> {
public:
  explicit ApplyAnnotationsPass(std::shared_ptr<const AnnotationFacts> Facts)
      : Facts(std::move(Facts)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  std::shared_ptr<const AnnotationFacts> Facts;
};

} // namespace weft

#endif
