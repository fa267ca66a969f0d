// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// WEFT_NONBLOCKING is checked where the function is defined and trusted by
// its callers.
#include <weft/weft.h>
#include <unistd.h>

static void wait_a_bit(void) {
  usleep(10); // expected-note {{'wait_a_bit' calls 'usleep', a blocking call}}
}

int level;
void WEFT_NONBLOCKING adjust(int by) { // expected-note {{'adjust' is declared WEFT_NONBLOCKING here}}
  level += by;
  wait_a_bit(); // expected-error {{'adjust' is declared WEFT_NONBLOCKING but this call to 'wait_a_bit' may block [weft-atomic]}}
}

void WEFT_NONBLOCKING reset(void) { level = 0; } // clean: no finding

void caller(void) {
  WEFT_ATOMIC {
    adjust(1); // trusted: the error is reported in adjust's body, not here
    reset();
  }
}
