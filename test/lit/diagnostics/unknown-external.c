// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// External functions: unknown unless annotated or in the tables.
#include <weft/weft.h>
#include <string.h>

void log_event(const char *what);
void WEFT_NONBLOCKING bump_stat(int which);
void WEFT_BLOCKING flush_journal(void);

char name[32];
void rename_user(const char *n) {
  WEFT_ATOMIC { // expected-note 2 {{atomic section begins here}}
    strncpy(name, n, sizeof name - 1); // libc, known not to block
    bump_stat(1);                      // trusted annotation
    log_event("rename"); // expected-warning {{call to 'log_event' inside an atomic section: weft cannot tell whether 'log_event' blocks; declare it WEFT_NONBLOCKING if it never blocks, or WEFT_BLOCKING if it may [weft-atomic]}}
    flush_journal(); // expected-error {{call to 'flush_journal' inside an atomic section: 'flush_journal' is declared WEFT_BLOCKING [weft-atomic]}}
  }
}
