// The frontend's tags on local variables leave no trace in the code: the
// code, data and unwind tables of an object built with the plugin are byte
// for byte those of one built without it, at -O0 and -O2 (only the names of
// the local labels of string constants, in the symbol table, are numbered
// differently). Linked stacks, which do change the code, are off here.
// RUN: %clang -O0 -c %s -o %t.plain0.o
// RUN: %clang_weft -fplugin-arg-weft-no-linked-stacks -O0 -c %s -o %t.weft0.o 2>/dev/null
// RUN: llvm-objdump -s -j .text -j .data -j .rodata -j .rodata.str1.1 -j .eh_frame %t.plain0.o | grep -v "file format" > %t.plain0
// RUN: llvm-objdump -s -j .text -j .data -j .rodata -j .rodata.str1.1 -j .eh_frame %t.weft0.o | grep -v "file format" > %t.weft0
// RUN: diff %t.plain0 %t.weft0
// RUN: llvm-objdump -r %t.plain0.o | grep -v "file format" | sed -E 's/[.]L[.]str([.][0-9]+)?/.L.str/' > %t.plain0.r
// RUN: llvm-objdump -r %t.weft0.o | grep -v "file format" | sed -E 's/[.]L[.]str([.][0-9]+)?/.L.str/' > %t.weft0.r
// RUN: diff %t.plain0.r %t.weft0.r
// RUN: %clang -O2 -c %s -o %t.plain2.o
// RUN: %clang_weft -fplugin-arg-weft-no-linked-stacks -O2 -c %s -o %t.weft2.o 2>/dev/null
// RUN: llvm-objdump -s -j .text -j .data -j .rodata -j .rodata.str1.1 -j .eh_frame %t.plain2.o | grep -v "file format" > %t.plain2
// RUN: llvm-objdump -s -j .text -j .data -j .rodata -j .rodata.str1.1 -j .eh_frame %t.weft2.o | grep -v "file format" > %t.weft2
// RUN: diff %t.plain2 %t.weft2
// RUN: llvm-objdump -r %t.plain2.o | grep -v "file format" | sed -E 's/[.]L[.]str([.][0-9]+)?/.L.str/' > %t.plain2.r
// RUN: llvm-objdump -r %t.weft2.o | grep -v "file format" | sed -E 's/[.]L[.]str([.][0-9]+)?/.L.str/' > %t.weft2.r
// RUN: diff %t.plain2.r %t.weft2.r
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct point { int x, y; };

static int sum(const char *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

int serve(int fd, struct point at) {
  char buf[8192];
  struct point copy = at;
  int total = 0;
  for (int round = 0; round < 3; round++) {
    char line[256];
    ssize_t n = read(fd, line, sizeof line);
    if (n <= 0)
      break;
    memcpy(buf, line, (size_t)n);
    total += sum(buf, (int)n) + copy.x;
  }
  printf("%d %s\n", total, "done");
  return total + copy.y;
}
