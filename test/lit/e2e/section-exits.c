// Every way out of a WEFT_ATOMIC block leaves the section at run time: on
// two workers each section takes the runtime's coarse lock, so a section
// left without __weft_section_leave would deadlock the next one (the test
// would time out), and a section left twice would let two threads in at
// once (the counts would be wrong).
// RUN: %clang_weft -O2 %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=2 timeout 60 %t | FileCheck %s
// CHECK: exits: return 8000, break 8000, goto 8000, end 8000, total 32000
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

enum { THREADS = 8, ROUNDS = 2000 };
static long by_return, by_break, by_goto, by_end;

static int leave_by_return(int i) {
  WEFT_ATOMIC {
    if (i % 2 == 0) {
      by_return++;
      return 1;
    }
  }
  return 0;
}

static void leave_by_break(int i) {
  WEFT_ATOMIC {
    if (i % 2 == 1) {
      by_break++;
      break;
    }
  }
}

static void leave_by_goto(int i) {
  WEFT_ATOMIC {
    if (i % 2 == 0) {
      by_goto++;
      goto out;
    }
  }
out:
  return;
}

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < ROUNDS; i++) {
    leave_by_return(i);
    leave_by_break(i);
    leave_by_goto(i);
    WEFT_ATOMIC {
      if (i % 2 == 0)
        by_end++;
    }
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  printf("exits: return %ld, break %ld, goto %ld, end %ld, total %ld\n", by_return, by_break,
         by_goto, by_end, by_return + by_break + by_goto + by_end);
  return 0;
}
