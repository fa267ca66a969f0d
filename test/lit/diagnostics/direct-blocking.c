// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// A direct call to a blocking libc function inside a section.
#include <weft/weft.h>
#include <unistd.h>

int balance;

void withdraw(int fd, int amount) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    char c;
    read(fd, &c, 1); // expected-error {{blocking call to 'read' inside an atomic section [weft-atomic]}}
    balance -= amount;
  }
}
