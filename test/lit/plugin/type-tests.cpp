// The type tests and vtable type ids the plugin asks Clang for, to resolve
// virtual calls, are gone from the code it generates: the IR has none, and
// the object's code is the one plain Clang writes (linked stacks off). When
// the user asks for them (whole-program vtables), they stay.
// RUN: %clangxx_weft -fplugin-arg-weft-no-linked-stacks -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clangxx_weft -fplugin-arg-weft-no-linked-stacks -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// IR-NOT: type.test
// IR-NOT: !type
// RUN: %clangxx_weft -fplugin-arg-weft-no-linked-stacks -O2 -c %s -o %t.o
// RUN: %clangxx -O2 -c %s -o %t.plain.o
// RUN: llvm-objcopy-19 --dump-section=.text=%t.text %t.o
// RUN: llvm-objcopy-19 --dump-section=.text=%t.plain.text %t.plain.o
// RUN: cmp %t.text %t.plain.text
// RUN: %clangxx_weft -fplugin-arg-weft-no-linked-stacks -O0 -Xclang -fwhole-program-vtables -Xclang -flto-unit -S -emit-llvm %s -o - | FileCheck %s --check-prefix=USER
// USER: type.test
#include <unistd.h>
struct Stream {
  virtual ~Stream() {}
  virtual long put(const char *s, unsigned long n) = 0;
};
struct Out : Stream {
  long put(const char *s, unsigned long n) override { return ::write(1, s, n); }
};
struct Null : Stream {
  long put(const char *, unsigned long n) override { return (long)n; }
};
long say(Stream *s) { return s->put("hi\n", 3); }
void drop(Stream *s) { delete s; }
int main(int argc, char **) {
  Stream *s = argc > 1 ? static_cast<Stream *>(new Out) : new Null;
  long n = say(s);
  drop(s);
  return (int)n;
}
