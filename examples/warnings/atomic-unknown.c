// [weft-atomic] warning: a call in an atomic section to a function weft
// cannot see. Annotate its declaration: WEFT_NONBLOCKING if it never blocks
// (then the warning goes away), WEFT_BLOCKING if it may (then it is an
// error, as it should be).
#include <weft/weft.h>

void metrics_increment(const char *name); // defined in another library

static long requests;

void count_request(void) {
  WEFT_ATOMIC {
    requests++;
    metrics_increment("requests");
  }
}
