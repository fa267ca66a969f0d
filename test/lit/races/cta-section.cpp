// Check-then-act avoided: read and write in one WEFT_ATOMIC section, the blocking call outside. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long next_id;
int fd = 1;
void take() {
  long id;
  WEFT_ATOMIC {
    id = next_id;
    next_id = id + 1;
  }
  write(fd, &id, sizeof id);
}
int main() {
  std::thread a(take), b(take);
  a.join();
  b.join();
  return static_cast<int>(next_id);
}
