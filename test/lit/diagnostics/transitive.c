// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// A call that blocks three calls down: one note per step of the chain.
#include <weft/weft.h>
#include <sys/socket.h>

static int receive(int fd, char *buf) {
  return recv(fd, buf, 16, 0); // expected-note {{'receive' calls 'recv', a blocking call}}
}
static int parse(int fd) {
  char buf[16];
  return receive(fd, buf); // expected-note {{'parse' calls 'receive'}}
}
int handle(int fd) {
  return parse(fd) + 1; // expected-note {{'handle' calls 'parse'}}
}

int hits;
void serve(int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    hits++;
    handle(fd); // expected-error {{call to 'handle' may block inside an atomic section [weft-atomic]}}
  }
}
