// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// weft's own blocking calls and the pthread calls of the table.
#include <weft/weft.h>
#include <pthread.h>

void weft_yield(void);
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int shared;

void f(void) {
  WEFT_ATOMIC { // expected-note 2 {{atomic section begins here}}
    weft_yield(); // expected-error {{blocking call to 'weft_yield' inside an atomic section [weft-atomic]}}
    pthread_mutex_lock(&m); // expected-error {{blocking call to 'pthread_mutex_lock' inside an atomic section [weft-atomic]}}
    shared++;
    pthread_mutex_unlock(&m); // known not to block
  }
}
