//===- Calls.h - what the passes treat as a call --------------------------===//
//
// Every weft analysis walks call instructions the same way: intrinsics
// (debug info, lifetime markers, memcpy and friends) and inline assembly are
// not calls, and a call through a pointer cast of a function is a direct
// call to it.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_CALLS_H
#define WEFT_PASSES_CALLS_H

#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"

namespace weft {

/// The function `CB` calls directly, or null for an indirect call.
inline llvm::Function *directCallee(const llvm::CallBase &CB) {
  if (llvm::Function *F = CB.getCalledFunction())
    return F;
  return llvm::dyn_cast<llvm::Function>(CB.getCalledOperand()->stripPointerCasts());
}

/// Calls that are not calls for weft's purposes: intrinsics and inline
/// assembly.
inline bool isIgnoredCall(const llvm::CallBase &CB) {
  if (CB.isInlineAsm())
    return true;
  if (const llvm::Function *F = CB.getCalledFunction())
    return F->isIntrinsic();
  return false;
}

/// pthread_create(&t, attr, routine, arg) and weft_spawn(&t, attr, routine,
/// arg): the calls that start a thread, one source for every pass.
inline bool isThreadStartName(llvm::StringRef Name) {
  return Name == "pthread_create" || Name == "weft_spawn";
}
inline bool isThreadStart(const llvm::CallBase &CB) {
  const llvm::Function *C = directCallee(CB);
  return C && isThreadStartName(C->getName()) && CB.arg_size() >= 4;
}

/// The function a thread start runs, when it is named directly.
inline const llvm::Function *startRoutineOf(const llvm::CallBase &CB) {
  if (!isThreadStart(CB))
    return nullptr;
  return llvm::dyn_cast<llvm::Function>(CB.getArgOperand(2)->stripPointerCasts());
}

} // namespace weft

#endif
