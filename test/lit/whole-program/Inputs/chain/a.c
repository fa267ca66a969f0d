#include <weft/weft.h>
int counter;
void log_event(int fd);
void bump(int fd) {
  WEFT_ATOMIC {
    counter++;
    log_event(fd);
  }
}
