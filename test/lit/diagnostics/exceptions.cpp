// RUN: %clangxx_weft_verify -O0 -fexceptions %s
// RUN: %clangxx_weft_verify -O2 -fexceptions %s
// An exception leaves the section through its cleanup; the handler is not in
// the section, but a call that may throw from inside it still is.
#include <weft/weft.h>
#include <stdexcept>
#include <unistd.h>

int balance;
void check(int amount) {
  if (amount > balance)
    throw std::runtime_error("insufficient");
}

int withdraw(int fd, int amount) {
  try {
    WEFT_ATOMIC { // expected-note {{atomic section begins here}}
      check(amount);
      balance -= amount;
      ::fsync(fd); // expected-error {{blocking call to 'fsync' inside an atomic section [weft-atomic]}}
    }
  } catch (const std::exception &) {
    ::write(fd, "no\n", 3); // the handler runs after the section: fine
    return -1;
  }
  return 0;
}
