// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// Constructors and destructors are calls too.
#include <weft/weft.h>
#include <unistd.h>

struct LogLine {
  int fd;
  explicit LogLine(int fd) : fd(fd) {}
  ~LogLine() {
    ::write(fd, "\n", 1); // expected-note {{'LogLine::~LogLine' calls 'write', a blocking call}}
  }
};

int events;
void note_event(int fd) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    LogLine line(fd);
    events++;
  } // expected-error {{call to 'LogLine::~LogLine' may block inside an atomic section [weft-atomic]}}
}
