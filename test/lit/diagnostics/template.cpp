// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// Templates: each instantiation has its own answer.
#include <weft/weft.h>
#include <unistd.h>

struct Pipe {
  int fd;
  int get() {
    char c = 0;
    ::read(fd, &c, 1); // expected-note {{'Pipe::get' calls 'read', a blocking call}}
    return c;
  }
};
struct Constant {
  int get() { return 7; }
};

template <class Source> int take(Source &s) {
  return s.get(); // expected-note {{'take<Pipe>' calls 'Pipe::get'}}
}

int sum;
void use(Pipe &p, Constant &c) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    sum += take(c);
    sum += take(p); // expected-error {{call to 'take<Pipe>' may block inside an atomic section [weft-atomic]}}
  }
}
