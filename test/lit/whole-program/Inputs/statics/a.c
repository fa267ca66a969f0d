#include <weft/weft.h>
int hits;
static void helper(void) { hits++; }
void tally(void) {
  WEFT_ATOMIC {
    helper();
  }
}
