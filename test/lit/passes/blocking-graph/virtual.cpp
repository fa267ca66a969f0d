// RUN: %clangxx -O0 -S -emit-llvm -o - %s | %opt_weft -passes='print<weft-blocking>' -disable-output | FileCheck %s
// Virtual calls resolve through the vtables the module defines.
#include <unistd.h>
struct Base { virtual int get() = 0; virtual ~Base() {} };
struct Reader : Base { int get() override { char c; return (int)::read(0, &c, 1); } };
struct Fixed : Base { int get() override { return 1; } };
int call(Base *b) { return b->get(); }
Base *make(bool r) { if (r) return new Reader; return new Fixed; }
// CHECK: function _Z4callP4Base: blocks, via Reader::get
// CHECK-NEXT: blocking point: indirect call, may call _ZN6Reader3getEv
