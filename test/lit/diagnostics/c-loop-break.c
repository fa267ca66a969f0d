// RUN: %clang_weft_verify %s
// In C a section is a one-shot loop: break/continue directly inside it leave
// the section, not the loop around it. The plugin says so.
#include <weft/weft.h>

int total;
void sum(const int *v, int n) {
  for (int i = 0; i < n; i++) {
    WEFT_ATOMIC {
      if (v[i] < 0)
        break; // expected-warning {{'break' inside WEFT_ATOMIC leaves the atomic section, not the enclosing loop; in C a section is a one-shot loop (use goto or a flag to leave the outer loop) [weft-atomic]}}
      if (v[i] == 0)
        continue; // expected-warning {{'continue' inside WEFT_ATOMIC leaves the atomic section, not the enclosing loop}}
      for (int j = 0; j < v[i]; j++)
        if (j > 3)
          break; // belongs to the inner loop: fine
      total += v[i];
    }
  }
}

void not_in_a_loop(int x) {
  WEFT_ATOMIC {
    if (x)
      break; // no enclosing loop: leaving the section is all it can mean
    total++;
  }
}
