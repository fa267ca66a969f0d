#include <unistd.h>
void flush_log(int fd) { write(fd, "x", 1); }
