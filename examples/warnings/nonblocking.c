// [weft-atomic] error: a WEFT_NONBLOCKING function whose body may block.
// Callers trust the annotation, so it is checked where it is defined.
#include <weft/weft.h>
#include <unistd.h>

static int hits;

void WEFT_NONBLOCKING on_hit(void) {
  hits++;
  if (hits % 1000 == 0)
    usleep(100); // "just a little pause" blocks the thread
}
