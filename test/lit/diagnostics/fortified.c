// RUN: %clang_weft_verify -O2 -D_FORTIFY_SOURCE=2 %s
// With _FORTIFY_SOURCE, read becomes __read_chk: still a blocking call.
#include <weft/weft.h>
#include <unistd.h>

char buf[8];
int n;
void f(int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    n += (int)read(fd, buf, sizeof buf); // expected-error-re {{blocking call to '{{(__)?read(_chk)?}}' inside an atomic section [weft-atomic]}}
  }
}
