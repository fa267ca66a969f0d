#include <weft/weft.h>
void refill(int fd);
WEFT_NONBLOCKING void tick(int fd) { refill(fd); }
