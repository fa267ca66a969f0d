#include "shared.h"
void shutdown_all(void) {
  stop_flusher();
  flushed = 0;
}
void shutdown_early(void) {
  flush_state = -1;
}
