// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// WEFT_BLOCKING makes a function a blocking point even if its body (here a
// spin on a flag that another thread sets) calls nothing that blocks.
#include <weft/weft.h>

volatile int ready;
void WEFT_BLOCKING wait_ready(void) {
  while (!ready) {
  }
}

static void prepare(void) {
  wait_ready(); // expected-note {{'prepare' calls 'wait_ready', which is declared WEFT_BLOCKING}}
}

int jobs;
void start(void) {
  WEFT_ATOMIC { // expected-note 2 {{atomic section begins here}}
    jobs++;
    wait_ready(); // expected-error {{call to 'wait_ready' inside an atomic section: 'wait_ready' is declared WEFT_BLOCKING [weft-atomic]}}
    prepare(); // expected-error {{call to 'prepare' may block inside an atomic section [weft-atomic]}}
  }
}
