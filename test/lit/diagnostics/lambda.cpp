// RUN: %clangxx_weft_verify -O0 -std=c++17 %s
// RUN: %clangxx_weft_verify -O2 -std=c++17 %s
// Lambdas are functions: a blocking lambda called in a section is found.
#include <weft/weft.h>
#include <unistd.h>

int pending;
void drain(int fd) {
  auto flush = [fd] {
    return write(fd, "!", 1); // expected-note-re {{'drain(int)::$_{{[0-9]}}::operator()' calls 'write', a blocking call}}
  };
  auto count = [] { return ++pending; };
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    count();
    flush(); // expected-error-re {{call to 'drain(int)::$_{{[0-9]}}::operator()' may block inside an atomic section [weft-atomic]}}
  }
}
