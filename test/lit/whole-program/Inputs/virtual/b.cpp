#include <unistd.h>
#include "sink.h"
Sink::~Sink() {}
struct FileSink : Sink {
  int fd = 1;
  void put(int v) override { ::write(fd, &v, sizeof v); }
};
Sink *make_sink() { return new FileSink; }
