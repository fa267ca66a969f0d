// A helper gets a test number and the slot at that number (`run(i, &slots[i])`); what it does
// to the slot depends on the number, so each slot sees one kind of access: atomic adds in
// slot 0 and plain reads in slot 1 (race-free, although an atomic add and a plain read of one
// slot would race), and in slot 2 a plain write from the thread beside an atomic read from
// main (racy, reported at the write).
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
long slots[3];
long run(int test, long *p, int main_thread) {
  if (test == 0)
    return __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
  if (test == 1)
    return *p;
  if (test == 2) {
    if (main_thread)
      return __atomic_load_n(p, __ATOMIC_SEQ_CST);
    *p = 7; // expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}} expected-warning {{data race on 'slots': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  }
  return 0;
}
void *worker(void *arg) {
  long sum = 0;
  for (int i = 0; i < 3; i++)
    sum += run(i, &slots[i], 0); // expected-note {{'worker' calls 'run'}}
  return (void *)sum;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  long sum = 0;
  pthread_create(&t, 0, worker, 0); // expected-note {{thread entry 'worker' is started here}}
  for (int i = 0; i < 3; i++)
    sum += run(i, &slots[i], 1); // expected-note {{'main' calls 'run'}}
  pthread_join(t, 0);
  return (int)sum;
}
