// C++ statics: several threads reach a function-local static whose initialiser writes a global; the guard orders the initialisation before every use. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <cstdio>
#include <cstdlib>

int made;
struct Table {
  int size;
  Table() : size(rand() % 8) { made++; }
};
Table &table() {
  static Table t;
  return t;
}
void *worker(void *) {
  std::printf("%d %d\n", table().size, made);
  return nullptr;
}
int main() {
  pthread_t t[3];
  for (auto &th : t)
    pthread_create(&th, nullptr, worker, nullptr);
  for (auto &th : t)
    pthread_join(th, nullptr);
}
