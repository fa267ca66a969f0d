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

#include "llvm/IR/Constants.h"
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

/// std::async(std::launch::deferred, ...): the task runs in the thread
/// that waits for it, not in one of its own.
inline bool isDeferredAsync(const llvm::CallBase &CB) {
  constexpr uint64_t Deferred = 2; // std::launch::deferred
  const llvm::Function *C = directCallee(CB);
  const auto *Policy =
      CB.arg_size() >= 2 ? llvm::dyn_cast<llvm::ConstantInt>(CB.getArgOperand(1)) : nullptr;
  return C && C->getName().starts_with("_ZSt5asyncI") && Policy &&
         Policy->getZExtValue() == Deferred;
}

/// C++ library calls that start a thread inside the library and give the
/// caller its handle in their first argument: std::jthread's constructor
/// (the jthread itself) and std::async (the future it returns; a constant
/// std::launch::deferred policy starts nothing).
inline bool isLibraryThreadStart(const llvm::CallBase &CB) {
  const llvm::Function *C = directCallee(CB);
  if (!C || CB.arg_size() < 2)
    return false;
  llvm::StringRef N = C->getName();
  return N.starts_with("_ZNSt7jthreadC1I") || N.starts_with("_ZNSt7jthreadC2I") ||
         (N.starts_with("_ZSt5asyncI") && !isDeferredAsync(CB));
}

/// Calls that return once the thread whose handle their first argument
/// holds has ended: std::thread::join, std::jthread::join and its
/// destructor, and get, wait and the destructor of the future std::async
/// returned (which waits for the task's thread).
inline bool isJoinByHandleName(llvm::StringRef N) {
  if (N == "_ZNSt6thread4joinEv" || N == "_ZNSt7jthread4joinEv" || N == "_ZNSt7jthreadD1Ev" ||
      N == "_ZNSt7jthreadD2Ev")
    return true;
  if (N.starts_with("_ZNSt6futureI"))
    return N.ends_with("E3getEv") || N.ends_with("ED1Ev") || N.ends_with("ED2Ev");
  return N.starts_with("_ZNKSt14__basic_futureI") && N.ends_with("E4waitEv");
}

} // namespace weft

#endif
