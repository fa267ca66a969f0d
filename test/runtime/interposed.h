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
#include <pthread.h>
#include <string.h>
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

// libc's own pthread_create and pthread_join, for tests that need a kernel
// thread weft does not run: where libweft's pthread layer is linked it
// interposes them, so they are looked up in libc itself.
struct kernel_threads {
  using create_fn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
  using join_fn = int (*)(pthread_t, void **);
  create_fn create = &::pthread_create;
  join_fn join = &::pthread_join;
  void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);

  kernel_threads() {
    Dl_info where;
    if (libc && dladdr((void *)create, &where) && strstr(where.dli_fname, "libweft")) {
      create = (create_fn)dlsym(libc, "pthread_create");
      join = (join_fn)dlsym(libc, "pthread_join");
    }
  }
  ~kernel_threads() {
    if (libc)
      dlclose(libc);
  }
  kernel_threads(const kernel_threads &) = delete;
  kernel_threads &operator=(const kernel_threads &) = delete;
};
} // namespace call

#endif
