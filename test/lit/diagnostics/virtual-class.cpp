// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// A virtual call reaches the overriders of its own class's method only: an
// unrelated class whose method has the same signature (here a blocking one)
// is not a target.
#include <weft/weft.h>
#include <unistd.h>

struct Counter {
  virtual ~Counter() {}
  virtual void add(int v) = 0;
};
struct Plain : Counter {
  long n = 0;
  void add(int v) override { n += v; }
};
struct Twice : Plain {
  void add(int v) override { n += 2 * v; }
};

// Same signature as Counter::add, not related to it.
struct Journal {
  virtual ~Journal() {}
  virtual void add(int v) = 0;
};
struct FileJournal : Journal {
  int fd = 1;
  void add(int v) override {
    ::write(fd, &v, sizeof v); // expected-note {{'FileJournal::add' calls 'write', a blocking call}}
  }
};

void count(Counter *c, Journal *j, int v) {
  WEFT_ATOMIC {
    c->add(v); // no finding: no override of Counter::add blocks
  }
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    j->add(v); // expected-error {{indirect call (which may call 'FileJournal::add') may block inside an atomic section [weft-atomic]}}
  }
}
Counter *make_counter(bool twice) { if (twice) return new Twice; return new Plain; }
Journal *make_journal() { return new FileJournal; }
