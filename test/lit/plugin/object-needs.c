// Linked stacks' constants come from the object the backend writes
// (passes/ObjectNeeds.h): with `-c`, the checks reach the object as
// absolute symbols, and the plugin fills them in from the object's own
// .stack_sizes. Nothing is left for the linker: no relocation names a
// __weft_need symbol, each is weak, hidden and absolute, and the
// .stack_sizes section the plugin asked for is dropped at link time unless
// the user asked for it too.
// RUN: %clang_weft -O2 -c %s -o %t.o
// RUN: llvm-readelf-19 -r %t.o | FileCheck %s --check-prefix=RELOCS
// RUN: llvm-readelf-19 -s %t.o | FileCheck %s --check-prefix=SYMS
// RUN: llvm-readelf-19 -S %t.o | FileCheck %s --check-prefix=EXCLUDED
// RUN: %clang_weft -O2 -fstack-size-section -c %s -o %t.kept.o
// RUN: llvm-readelf-19 -S %t.kept.o | FileCheck %s --check-prefix=KEPT
// The constants are those a measured clone gives (`-S` measures one):
// RUN: %clang_weft -O2 -S %s -o %t.s
// RUN: %clang -c %t.s -o %t.measured.o
// RUN: python3 %S/object-needs.py %t.measured.o %t.o | FileCheck %s --check-prefix=SAME
// It links and runs without libweft (on native stacks: not too deep), and
// with it, 12 MB deep in four threads of default attributes.
// RUN: %clang %t.o -lpthread -o %t.nolib && %t.nolib 1000 | FileCheck %s --check-prefix=SHALLOW
// RUN: %clang %t.o $(weft-config --libs) -o %t.weft && env WEFT_WORKERS=2 %t.weft 100000 | FileCheck %s --check-prefix=DEEP
// `-o /dev/null` keeps nothing, and patches nothing.
// RUN: %clang_weft -O2 -c %s -o /dev/null
// RELOCS-NOT: __weft_need
// SYMS: WEAK HIDDEN ABS __weft_need.0
// EXCLUDED: .stack_sizes PROGBITS {{.*}} LE {{[0-9]+}}
// EXCLUDED-NOT: .stack_sizes PROGBITS {{.*}} L {{[0-9]+}}
// EXCLUDED: .stack_sizes PROGBITS {{.*}} LE {{[0-9]+}}
// KEPT: .stack_sizes PROGBITS {{.*}} L {{[0-9]+}}
// KEPT-NOT: .stack_sizes PROGBITS {{.*}} LE {{[0-9]+}}
// KEPT: .stack_sizes PROGBITS {{.*}} L {{[0-9]+}}
// SAME: checks: {{[1-9][0-9]*}}, the same constants
// SHALLOW-COUNT-4: depth 1000: 1001
// DEEP-COUNT-4: depth 100000: 100001
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static long descend(long n, volatile char *prev) {
  volatile char buf[96];
  memset((char *)buf, (int)(n & 0x3f), sizeof buf);
  buf[0] = prev ? prev[1] : 0;
  if (n == 0)
    return 1;
  return descend(n - 1, buf) + 1;
}

static long (*volatile through)(long, volatile char *) = descend;

static void *deep(void *arg) {
  long r = through((long)arg, NULL);
  printf("depth %ld: %ld\n", (long)arg, r);
  return NULL;
}

int main(int argc, char **argv) {
  long depth = argc > 1 ? atol(argv[1]) : 1000;
  pthread_t t[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&t[i], NULL, deep, (void *)depth);
  for (int i = 0; i < 4; ++i)
    pthread_join(t[i], NULL);
  return 0;
}
