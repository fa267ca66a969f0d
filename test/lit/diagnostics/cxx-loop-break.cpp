// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
// In C++17 a section is the body of an `if`: break and continue act on the
// enclosing loop and leave the section on the way.
#include <weft/weft.h>
#include <unistd.h>

int seen;
void scan(int fd, const int *v, int n) {
  for (int i = 0; i < n; i++) {
    WEFT_ATOMIC {
      if (v[i] < 0)
        break;
      if (v[i] == 0)
        continue;
      seen += v[i];
    }
    ::usleep(1); // between sections: fine
  }
  ::write(fd, &seen, sizeof seen);
}
