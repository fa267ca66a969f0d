// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// [weft-live-state] in C++: objects of class type, templates, lambdas,
// members, and variables scoped to a loop's body.
#include <initializer_list>
#include <unistd.h>

struct Message {
  int fd;
  char payload[16384];
  int size() const { return fd; }
};

void fill(void *p, unsigned long n);
long checksum(const void *p, unsigned long n);

// A member used after the call keeps the whole object live.
int member(int fd) {
  Message m; // expected-note {{'m' (16,388 bytes) is used after the call; end its scope before the call, shrink it, or make it static or heap-allocated}}
  fill(&m, sizeof m);
  sleep(1); // expected-warning {{'sleep' blocks while 16,388 bytes of this frame are live [weft-live-state]}}
  return m.size();
}

// Instantiated from a template: the instantiation's variable is named.
template <typename T> T first(int fd) {
  T items[1024]; // expected-note {{'items' (8,192 bytes) is used by the blocking call itself}}
  read(fd, items, sizeof items); // expected-warning {{'read' blocks while 8,192 bytes of this frame are live [weft-live-state]}}
  return items[0];
}
long use_first(int fd) { return first<long>(fd); }

// A lambda's body is a function of its own, with its own frame.
int lambda(int fd) {
  auto f = [fd] {
    char line[6000]; // expected-note {{'line' (6,000 bytes) is used by the blocking call itself}}
    return read(fd, line, sizeof line) + line[0]; // expected-warning {{'read' blocks while 6,000 bytes of this frame are live [weft-live-state]}}
  };
  return f();
}

// A range-for's body is a new scope each iteration: dead across the call.
long loop(int fd, int n) {
  long sum = 0;
  for (int i : {1, 2, 3}) {
    char buf[16384];
    fill(buf, sizeof buf);
    sum += checksum(buf, sizeof buf) + i;
    sleep(1);
  }
  return sum;
}

// A destructor that reads the object runs after the call: live.
struct Buffer {
  char bytes[8192];
  ~Buffer() { checksum(bytes, sizeof bytes); }
};
void destructor(int fd) {
  Buffer b; // expected-note {{'b' (8,192 bytes) is used after the call}}
  sleep(1); // expected-warning {{'sleep' blocks while 8,192 bytes of this frame are live [weft-live-state]}}
}
