// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// Nested sections: each call is reported once, and leaving the inner section
// does not end the outer one.
#include <weft/weft.h>
#include <unistd.h>

int a, b;
void nested(int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    a++;
    WEFT_ATOMIC { // expected-note {{atomic section begins here}}
      b++;
      sleep(1); // expected-error {{blocking call to 'sleep' inside an atomic section [weft-atomic]}}
    }
    usleep(5); // expected-error {{blocking call to 'usleep' inside an atomic section [weft-atomic]}}
  }
  usleep(5); // outside: fine
}
