// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// return, break, continue and goto leave the section: what follows the
// section is not in it.
#include <weft/weft.h>
#include <unistd.h>

int state;
int early_return(int fd) {
  WEFT_ATOMIC {
    if (state)
      return -1;
    state = 1;
  }
  char c;
  return (int)read(fd, &c, 1); // after the section: fine
}

void leave_by_goto(int fd) {
  WEFT_ATOMIC {
    if (state == 2)
      goto out;
    state++;
  }
out:
  write(fd, "x", 1); // after the section: fine
}

void leave_by_break(int fd) {
  WEFT_ATOMIC {
    if (state)
      break; // leaves the section (in C the section is a one-shot loop)
    state = 3;
  }
  write(fd, "y", 1);
}

void section_in_loop(int fd) {
  for (int i = 0; i < 3; i++) {
    WEFT_ATOMIC {
      if (i == 1)
        continue; // expected-warning {{'continue' inside WEFT_ATOMIC leaves the atomic section}}
      state += i;
    }
    write(fd, "z", 1); // between sections: fine
  }
}

void still_inside(int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    if (state)
      goto inside;
    state = 4;
  inside:
    write(fd, "w", 1); // expected-error {{blocking call to 'write' inside an atomic section [weft-atomic]}}
  }
}
