// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// Indirect calls resolve to the address-taken functions of the same type.
#include <weft/weft.h>
#include <unistd.h>

typedef int (*handler_fn)(int);
static int quick(int x) { return x + 1; }
static int slow(int fd) {
  return (int)write(fd, "x", 1); // expected-note {{'slow' calls 'write', a blocking call}}
}
handler_fn handlers[2] = {quick, slow};

typedef long (*pure_fn)(long);
static long twice(long x) { return 2 * x; }
static long thrice(long x) { return 3 * x; }
pure_fn pures[2] = {twice, thrice};

int counter;
void dispatch(int i, int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    counter += handlers[i](fd); // expected-error {{indirect call (which may call 'slow') may block inside an atomic section [weft-atomic]}}
    counter += (int)pures[i](counter); // no finding: neither candidate blocks
  }
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    void (*unknown_target)(void) = (void (*)(void))handlers[0];
    unknown_target(); // expected-warning {{indirect call inside an atomic section has no known target; weft cannot tell whether it blocks [weft-atomic]}}
  }
}
