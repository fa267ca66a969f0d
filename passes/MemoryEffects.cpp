//===- MemoryEffects.cpp --------------------------------------------------===//
#include "MemoryEffects.h"

#include "Calls.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IntrinsicInst.h"

#include <pthread.h>
#include <semaphore.h>

using namespace llvm;

namespace weft {

namespace {

enum class Effect : uint8_t {
  Read,
  Write,
  Sync, // an atomic use of a lock, condition, barrier or semaphore
};

/// One pointer argument of a known function: what the function does to
/// the memory it points to, and which argument counts the bytes (-1: up
/// to the end of the object, or a string's terminator).
struct ArgEffect {
  const char *Function;
  uint8_t Arg;
  Effect What;
  int8_t SizeArg;
  /// The object's size when the type says it (a pthread_mutex_t): the
  /// size of this platform's, for which the plugin is built.
  int16_t Bytes = 0;
};

constexpr ArgEffect Table[] = {
    // Memory and strings.
    {"memcpy", 0, Effect::Write, 2},   {"memcpy", 1, Effect::Read, 2},
    {"memmove", 0, Effect::Write, 2},  {"memmove", 1, Effect::Read, 2},
    {"memset", 0, Effect::Write, 2},   {"memcmp", 0, Effect::Read, 2},
    {"memcmp", 1, Effect::Read, 2},    {"bcmp", 0, Effect::Read, 2},
    {"bcmp", 1, Effect::Read, 2},      {"memchr", 0, Effect::Read, 2},
    {"strlen", 0, Effect::Read, -1},   {"strnlen", 0, Effect::Read, 1},
    {"strcpy", 0, Effect::Write, -1},  {"strcpy", 1, Effect::Read, -1},
    {"strncpy", 0, Effect::Write, 2},  {"strncpy", 1, Effect::Read, 2},
    {"strcat", 0, Effect::Write, -1},  {"strcat", 1, Effect::Read, -1},
    {"strcmp", 0, Effect::Read, -1},   {"strcmp", 1, Effect::Read, -1},
    {"strncmp", 0, Effect::Read, 2},   {"strncmp", 1, Effect::Read, 2},
    {"strchr", 0, Effect::Read, -1},   {"strrchr", 0, Effect::Read, -1},
    {"strstr", 0, Effect::Read, -1},   {"strdup", 0, Effect::Read, -1},
    // Standard I/O and system calls with buffers.
    {"puts", 0, Effect::Read, -1},     {"fputs", 0, Effect::Read, -1},
    {"fgets", 0, Effect::Write, 1},    {"fread", 0, Effect::Write, -1},
    {"fwrite", 0, Effect::Read, -1},   {"read", 1, Effect::Write, 2},
    {"pread", 1, Effect::Write, 2},    {"pread64", 1, Effect::Write, 2},
    {"recv", 1, Effect::Write, 2},     {"write", 1, Effect::Read, 2},
    {"pwrite", 1, Effect::Read, 2},    {"pwrite64", 1, Effect::Read, 2},
    {"send", 1, Effect::Read, 2},
    // The end of a block: it must not run beside a use of it.
    {"free", 0, Effect::Write, -1},    {"realloc", 0, Effect::Write, -1},
    {"munmap", 0, Effect::Write, 1},   {"_ZdlPv", 0, Effect::Write, -1},
    {"_ZdaPv", 0, Effect::Write, -1},  {"_ZdlPvm", 0, Effect::Write, -1},
    {"_ZdaPvm", 0, Effect::Write, -1},
    // Synchronisation objects: made and ended by plain writes, used
    // atomically.
    {"pthread_mutex_init", 0, Effect::Write, -1, sizeof(pthread_mutex_t)},
    {"pthread_mutex_destroy", 0, Effect::Write, -1, sizeof(pthread_mutex_t)},
    {"pthread_mutex_lock", 0, Effect::Sync, -1, sizeof(pthread_mutex_t)},
    {"pthread_mutex_trylock", 0, Effect::Sync, -1, sizeof(pthread_mutex_t)},
    {"pthread_mutex_unlock", 0, Effect::Sync, -1, sizeof(pthread_mutex_t)},
    {"pthread_rwlock_init", 0, Effect::Write, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_destroy", 0, Effect::Write, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_rdlock", 0, Effect::Sync, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_wrlock", 0, Effect::Sync, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_tryrdlock", 0, Effect::Sync, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_trywrlock", 0, Effect::Sync, -1, sizeof(pthread_rwlock_t)},
    {"pthread_rwlock_unlock", 0, Effect::Sync, -1, sizeof(pthread_rwlock_t)},
    {"pthread_spin_init", 0, Effect::Write, -1, sizeof(pthread_spinlock_t)},
    {"pthread_spin_destroy", 0, Effect::Write, -1, sizeof(pthread_spinlock_t)},
    {"pthread_spin_lock", 0, Effect::Sync, -1, sizeof(pthread_spinlock_t)},
    {"pthread_spin_trylock", 0, Effect::Sync, -1, sizeof(pthread_spinlock_t)},
    {"pthread_spin_unlock", 0, Effect::Sync, -1, sizeof(pthread_spinlock_t)},
    {"pthread_barrier_init", 0, Effect::Write, -1, sizeof(pthread_barrier_t)},
    {"pthread_barrier_destroy", 0, Effect::Write, -1, sizeof(pthread_barrier_t)},
    {"pthread_barrier_wait", 0, Effect::Sync, -1, sizeof(pthread_barrier_t)},
    {"pthread_cond_init", 0, Effect::Write, -1, sizeof(pthread_cond_t)},
    // (Destroying a condition no thread is blocked on is allowed while
    // others still return from waits on it, so its destroy is no write.)
    {"pthread_cond_wait", 0, Effect::Sync, -1, sizeof(pthread_cond_t)},
    {"pthread_cond_timedwait", 0, Effect::Sync, -1, sizeof(pthread_cond_t)},
    {"pthread_cond_signal", 0, Effect::Sync, -1, sizeof(pthread_cond_t)},
    {"pthread_cond_broadcast", 0, Effect::Sync, -1, sizeof(pthread_cond_t)},
    {"sem_init", 0, Effect::Write, -1, sizeof(sem_t)},
    {"sem_destroy", 0, Effect::Write, -1, sizeof(sem_t)},
    {"sem_wait", 0, Effect::Sync, -1, sizeof(sem_t)},
    {"sem_trywait", 0, Effect::Sync, -1, sizeof(sem_t)},
    {"sem_timedwait", 0, Effect::Sync, -1, sizeof(sem_t)},
    {"sem_post", 0, Effect::Sync, -1, sizeof(sem_t)},
};

/// The table by function name: each name's entries are adjacent.
const StringMap<std::pair<unsigned, unsigned>> &byName() {
  static const StringMap<std::pair<unsigned, unsigned>> Index = [] {
    StringMap<std::pair<unsigned, unsigned>> Out;
    for (unsigned I = 0; I < std::size(Table); ++I) {
      auto [It, New] = Out.try_emplace(Table[I].Function, I, I + 1);
      assert((New || It->second.second == I) && "a function's entries are adjacent");
      It->second.second = I + 1;
    }
    return Out;
  }();
  return Index;
}

int64_t constantSize(const Value *V) {
  if (const auto *C = dyn_cast_or_null<ConstantInt>(V); C && C->getValue().isNonNegative() &&
                                                        C->getValue().getActiveBits() < 63)
    return static_cast<int64_t>(C->getZExtValue());
  return -1;
}

} // namespace

SmallVector<CallAccess, 2> callAccesses(const CallBase &CB) {
  SmallVector<CallAccess, 2> Out;
  if (const auto *MT = dyn_cast<MemTransferInst>(&CB)) {
    int64_t N = constantSize(MT->getLength());
    Out.push_back({MT->getRawDest(), N, /*Write=*/true, false});
    Out.push_back({MT->getRawSource(), N, /*Write=*/false, false});
    return Out;
  }
  if (const auto *MS = dyn_cast<MemSetInst>(&CB)) {
    Out.push_back({MS->getRawDest(), constantSize(MS->getLength()), /*Write=*/true, false});
    return Out;
  }
  const Function *F = directCallee(CB);
  if (!F || F->isIntrinsic())
    return Out;
  auto It = byName().find(F->getName());
  if (It == byName().end())
    return Out;
  for (unsigned I = It->second.first; I < It->second.second; ++I) {
    const ArgEffect &E = Table[I];
    if (E.Arg >= CB.arg_size() || !CB.getArgOperand(E.Arg)->getType()->isPointerTy())
      continue;
    int64_t N = E.Bytes > 0 ? E.Bytes
                : E.SizeArg >= 0 && static_cast<unsigned>(E.SizeArg) < CB.arg_size()
                    ? constantSize(CB.getArgOperand(E.SizeArg))
                    : -1;
    Out.push_back({CB.getArgOperand(E.Arg), N, E.What != Effect::Read, E.What == Effect::Sync});
  }
  return Out;
}

} // namespace weft
