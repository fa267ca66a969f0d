// RUN: %clang_weft_verify %s
// Malformed annotations are errors that say what to write instead.
#include <weft/weft.h>

void WEFT_STACK_BOUND(0) zero(void); // expected-error {{WEFT_STACK_BOUND(0): the bound must be a positive number of bytes}}
void WEFT_STACK_BOUND(-64) negative(void); // expected-error {{WEFT_STACK_BOUND(-64): the bound must be a positive number of bytes}}
void WEFT_STACK_BOUND(1099511627776LL * 4) huge(void); // expected-error {{a bound over 1 TiB is not a bound}}
void WEFT_STACK_BOUND(512) fine(void);

int WEFT_BLOCKING not_a_function; // expected-error {{WEFT_BLOCKING applies to functions}}
void WEFT_NORACE not_a_variable(void); // expected-error {{WEFT_NORACE applies to variables with static storage duration (globals and statics)}}

void local_norace(void) {
  int WEFT_NORACE x = 0; // expected-error {{WEFT_NORACE applies to variables with static storage duration}}
  (void)x;
}

void WEFT_BLOCKING WEFT_NONBLOCKING both(void); // expected-error {{a function cannot be both WEFT_NONBLOCKING and WEFT_BLOCKING}} expected-note {{declared WEFT_BLOCKING here}}

void __attribute__((annotate("weft.blockng"))) typo(void); // expected-error {{unknown weft annotation 'weft.blockng'; valid ones are WEFT_BLOCKING, WEFT_NONBLOCKING, WEFT_STACK_BOUND(n) and WEFT_NORACE}}
void __attribute__((annotate("weft.blocking", 1))) extra(void); // expected-error {{WEFT_BLOCKING takes no arguments}}
void __attribute__((annotate("weft.stack_bound"))) missing(void); // expected-error {{WEFT_STACK_BOUND takes one argument: a bound in bytes, e.g. WEFT_STACK_BOUND(512)}}

int WEFT_NORACE stats_counter; // fine
