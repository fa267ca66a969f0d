// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// Virtual calls resolve through the vtables this module defines.
#include <weft/weft.h>
#include <unistd.h>

struct Sink {
  virtual ~Sink() {}
  virtual void put(int v) = 0;
};
struct Memory : Sink {
  int last = 0;
  void put(int v) override { last = v; }
};
struct File : Sink {
  int fd = 1;
  void put(int v) override {
    ::write(fd, &v, sizeof v); // expected-note {{'File::put' calls 'write', a blocking call}}
  }
};

struct Shape {
  virtual ~Shape() {}
  virtual long area() const = 0;
};
struct Square : Shape {
  long s = 2;
  long area() const override { return s * s; }
};
struct Rect : Shape {
  long w = 2, h = 3;
  long area() const override { return w * h; }
};

long total;
Sink *make_sink(bool file);
Shape *make_shape(bool square);
void record(Sink *s, Shape *sh) {
  WEFT_ATOMIC { // expected-note {{atomic section begins here}}
    total += sh->area(); // no finding: no override of area blocks
    s->put(int(total)); // expected-error {{indirect call (which may call 'File::put') may block inside an atomic section [weft-atomic]}}
  }
}
Sink *make_sink(bool file) { if (file) return new File; return new Memory; }
Shape *make_shape(bool square) { if (square) return new Square; return new Rect; }
