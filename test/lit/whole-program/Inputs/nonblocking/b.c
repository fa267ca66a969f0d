#include <unistd.h>
void refill(int fd) { usleep(fd); }
