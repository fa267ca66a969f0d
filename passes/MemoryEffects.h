//===- MemoryEffects.h - what a call reads and writes ---------------------===//
//
// A load or a store names the memory it touches; a call does so through its
// pointer arguments. The race analysis needs the calls' accesses too:
// `memcpy(dst, src, n)` writes dst and reads src, `read(fd, buf, n)` writes
// buf, `free(p)` ends (writes) the block p points to, and
// `pthread_mutex_init(&m)` writes the mutex that `pthread_mutex_lock(&m)`
// then uses atomically (so an init that may run beside a lock is a race).
// One table (MemoryEffects.cpp) says which argument each known function
// reads or writes and which argument bounds it; the memory intrinsics
// (llvm.memcpy, llvm.memmove, llvm.memset) are read from the instruction.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_MEMORYEFFECTS_H
#define WEFT_PASSES_MEMORYEFFECTS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/InstrTypes.h"

#include <cstdint>

namespace weft {

struct CallAccess {
  const llvm::Value *Ptr = nullptr;
  /// Bytes from Ptr when the bound is a constant, else -1: as far as the
  /// object goes.
  int64_t Size = -1;
  bool Write = false;
  /// A use of a synchronisation object (a lock, a barrier wait): atomic.
  bool Atomic = false;
};

/// The memory `CB` reads and writes through its arguments, as far as the
/// table knows it; nothing for any other call.
llvm::SmallVector<CallAccess, 2> callAccesses(const llvm::CallBase &CB);

} // namespace weft

#endif
