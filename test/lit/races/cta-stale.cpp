// Check-then-act in C++: read under a lock_guard, block, write under another. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long next_id;
std::mutex mu;
int fd = 1;
void take() {
  long id;
  {
    std::lock_guard<std::mutex> g(mu);
    id = next_id; // expected-note {{'next_id' is read here}}
  }
  write(fd, &id, sizeof id); // expected-note {{this call may block}}
  std::lock_guard<std::mutex> g(mu);
  next_id = id + 1; // expected-warning {{'next_id' is written here from a value read before a blocking call to 'write'; other threads run while this one is blocked and may change it (read it again after the call, or hold a lock across) [weft-race]}}
}
int main() {
  std::thread a(take), b(take);
  a.join();
  b.join();
  return static_cast<int>(next_id);
}
