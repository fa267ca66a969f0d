// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// Mutual recursion: the fixed point reaches the blocking call at the bottom.
#include <weft/weft.h>
#include <unistd.h>

int odd(int n);
int even(int n) {
  if (n == 0) {
    sleep(1); // expected-note {{'even' calls 'sleep', a blocking call}}
    return 1;
  }
  return odd(n - 1);
}
int odd(int n) { return n == 0 ? 0 : even(n - 1); } // expected-note {{'odd' calls 'even'}}

// Recursion that never blocks is fine.
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

int total;
void run(int n) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    total += fact(n);
    total += odd(n); // expected-error {{call to 'odd' may block inside an atomic section [weft-atomic]}}
  }
}
