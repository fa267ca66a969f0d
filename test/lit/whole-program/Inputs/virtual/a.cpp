#include <weft/weft.h>
#include "sink.h"
int total;
void record(Sink *s, int v) {
  WEFT_ATOMIC {
    total += v;
    s->put(v);
  }
}
