#include <weft/weft.h>
typedef void (*handler_fn)(int);
extern handler_fn handlers[2];
void dispatch(int which, int fd) {
  WEFT_ATOMIC {
    handlers[which](fd);
  }
}
