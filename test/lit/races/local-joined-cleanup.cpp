// A loop whose body has a local with a destructor and an early return: Clang runs both
// through one cleanup that switches on a stored constant, which makes a path from the start
// back to itself that skips the join appear in the control-flow graph; no run takes it. Each
// iteration's worker is joined before the next starts. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <string>
struct args {
  int pid = -1;
};
void *work(void *arg) {
  static_cast<args *>(arg)->pid = 7;
  return nullptr;
}
int rounds(const char *tag) {
  for (int i = 0; i < 5; i++) {
    std::string label(tag);
    args a;
    pthread_t t;
    if (pthread_create(&t, nullptr, work, &a) != 0)
      return 1;
    pthread_join(t, nullptr);
    if (a.pid <= 0 || label.empty())
      return 2;
  }
  return 0;
}
void *tester(void *) { return (void *)(long)rounds("x"); }
int main() {
  pthread_t x, y;
  pthread_create(&x, nullptr, tester, nullptr);
  pthread_create(&y, nullptr, tester, nullptr);
  pthread_join(x, nullptr);
  pthread_join(y, nullptr);
}
