// Heap: main frees the block a global points to while the thread it started still writes it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int *cells;
void *worker(void *a) {
  cells[0] = 42; // expected-note {{this write is made with no lock held}} expected-warning {{data race on the memory 'cells' points to: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  return a;
}
int main(void) { // expected-note {{it runs in 'main'}}
  cells = malloc(16 * sizeof *cells);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL); // expected-note {{thread entry 'worker' is started here}}
  free(cells); // expected-note {{the other write, with no lock held}}
  pthread_join(t, NULL);
  return 0;
}
