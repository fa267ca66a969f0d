// RUN: %clang_weft_verify %s
#include <weft/weft.h>

void helper_from_elsewhere(void);
void WEFT_NONBLOCKING tick(void) { // expected-note {{'tick' is declared WEFT_NONBLOCKING here}}
  helper_from_elsewhere(); // expected-warning {{'tick' is declared WEFT_NONBLOCKING but weft cannot tell whether this call to 'helper_from_elsewhere' blocks; annotate the callee WEFT_NONBLOCKING or WEFT_BLOCKING [weft-atomic]}}
}
