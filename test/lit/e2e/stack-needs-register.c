// The runtime side of the table of first-segment needs, through its entry
// points in weft/weft.h (what the plugin's constructor and destructor call):
// a thread started on a registered function gets a first segment sized to
// the entry; one on an unregistered function, the default; after the
// table is unregistered (an object's destructor, dlclose), the default
// again; an entry whose need is no smaller than the default segment is
// not used; and a table with the unwinder's reserve gets a larger segment
// than one without.
// RUN: %clang -O2 -I%weft_include %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// CHECK: registered: small
// CHECK-NEXT: not in the table: default
// CHECK-NEXT: unwinder's reserve: small, larger
// CHECK-NEXT: unregistered: default
// CHECK-NEXT: need past the default: default
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "weft/weft.h"

static void *a(void *arg) { return arg; }
static void *b(void *arg) { return arg; }

static size_t first_segment(void *(*fn)(void *)) {
  pthread_t t;
  pthread_attr_t at;
  void *lo;
  size_t size;
  if (pthread_create(&t, NULL, fn, NULL) || pthread_getattr_np(t, &at) ||
      pthread_attr_getstack(&at, &lo, &size) || pthread_join(t, NULL))
    abort();
  return size;
}
static const char *kind(size_t size) { return size < 64 * 1024 ? "small" : "default"; }

int main(void) {
  static const struct weft_stack_need table[] = {{(const void *)a, 600, 0}};
  __weft_register_stack_needs(table, 1);
  size_t small = first_segment(a);
  printf("registered: %s\n", kind(small));
  printf("not in the table: %s\n", kind(first_segment(b)));
  static const struct weft_stack_need unwinds[] = {{(const void *)b, 600, WEFT_STACK_NEED_UNWINDS}};
  __weft_register_stack_needs(unwinds, 1);
  size_t larger = first_segment(b);
  printf("unwinder's reserve: %s, %s\n", kind(larger), larger > small ? "larger" : "NOT LARGER");
  __weft_unregister_stack_needs(table, 1);
  __weft_unregister_stack_needs(unwinds, 1);
  printf("unregistered: %s\n", kind(first_segment(a)));
  static const struct weft_stack_need huge[] = {{(const void *)a, 1u << 30, 0}};
  __weft_register_stack_needs(huge, 1);
  printf("need past the default: %s\n", kind(first_segment(a)));
  return 0;
}
