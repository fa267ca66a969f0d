// A C++ exception thrown 50,000 frames deep, across the segment boundaries
// the checkpoints linked, reaches its handler with every destructor run.
// RUN: %clangxx_weft -O2 -fplugin-arg-weft-linked-stacks %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=2 timeout 120 %t | FileCheck %s
// CHECK: caught bottom at depth 50000, 0 guards alive, 50001 destroyed
// CHECK: caught bottom at depth 50000, 0 guards alive, 100002 destroyed
#include <cstdio>
#include <pthread.h>
#include <stdexcept>

static long alive, destroyed;
struct Guard {
  Guard() { ++alive; }
  ~Guard() { --alive; ++destroyed; }
};

static long dive(long n) {
  Guard g;
  volatile char buf[160];
  buf[0] = static_cast<char>(n);
  if (n == 0)
    throw std::runtime_error("bottom");
  return dive(n - 1) + buf[0];
}

static void *deep(void *) {
  for (int round = 0; round < 2; round++) {
    try {
      dive(50000);
    } catch (const std::exception &e) {
      std::printf("caught %s at depth 50000, %ld guards alive, %ld destroyed\n", e.what(), alive,
                  destroyed);
    }
  }
  std::fflush(stdout);
  return nullptr;
}

int main() {
  pthread_t t;
  if (pthread_create(&t, nullptr, deep, nullptr) != 0)
    return 1;
  pthread_join(t, nullptr);
}
