// The interposed calls, as the runtime tests make them. Under TSan they are
// libweft's own definitions, found with dlsym(RTLD_NEXT): TSan's
// interceptors for read/write/accept/poll/... call libweft's inside a
// "blocking call" scope in which TSan stops recording the synchronisation
// of the calling fiber, so every wake-up of a user thread parked in one
// would be reported as a race (docs/runtime.md, Sanitizers). Elsewhere
// they are the plain calls, through whatever the sanitizer wraps around
// them.
#ifndef WEFT_TEST_INTERPOSED_H
#define WEFT_TEST_INTERPOSED_H

#include <dlfcn.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace call {
template <class F> F resolve(F plain, const char *name) {
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  (void)plain;
  return (F)dlsym(RTLD_NEXT, name);
#endif
#endif
  (void)name;
  return plain;
}
#define WEFT_CALL(name) inline const auto name = resolve(&::name, #name);
WEFT_CALL(read)
WEFT_CALL(write)
WEFT_CALL(pread)
WEFT_CALL(pwrite)
WEFT_CALL(readv)
WEFT_CALL(writev)
WEFT_CALL(fsync)
WEFT_CALL(fdatasync)
WEFT_CALL(close)
WEFT_CALL(accept)
WEFT_CALL(poll)
WEFT_CALL(nanosleep)
WEFT_CALL(sleep)
WEFT_CALL(waitpid)
WEFT_CALL(select)
WEFT_CALL(epoll_wait)
WEFT_CALL(recv)
WEFT_CALL(clock_nanosleep)
#undef WEFT_CALL
} // namespace call

#endif
