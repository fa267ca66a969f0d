// Sections with inferred locks at run time: threads move units between the
// slots of two tables (each its own lock), across the tables (both locks),
// and an auditor section checks that the total never changes. If the
// inferred locks let two conflicting sections run together on two or four
// workers, an update is lost or the auditor sees a total in motion.
// RUN: rm -rf %t.r && %clang_weft -O2 -fplugin-arg-weft-report=%t.r %s $(weft-config --libs) -o %t
// RUN: python3 -c "import json,sys; [print(x['function'], ' '.join(x['locks'])) for x in sorted(json.load(open(sys.argv[1]))['sections'], key=lambda x: x['function'])]" %t.r/section-locks.c.weft.json | FileCheck %s --check-prefix=LOCKS
// RUN: env WEFT_WORKERS=1 timeout 120 %t | FileCheck %s
// RUN: env WEFT_WORKERS=2 timeout 120 %t | FileCheck %s
// RUN: env WEFT_WORKERS=4 timeout 120 %t | FileCheck %s
// CHECK: total 3200, audits {{[1-9][0-9]*}}, bad audits 0
//
// LOCKS:      audit global:left global:right
// LOCKS-NEXT: move_across global:left global:right
// LOCKS-NEXT: move_left global:left
// LOCKS-NEXT: move_right global:right
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

enum { SLOTS = 16, ROUNDS = 200000 };
static int left[SLOTS], right[SLOTS];
static long audits, bad;
static volatile int stop;

static void move_left(unsigned i, unsigned j) {
  WEFT_ATOMIC {
    left[i % SLOTS]--;
    left[j % SLOTS]++;
  }
}

static void move_right(unsigned i, unsigned j) {
  WEFT_ATOMIC {
    right[i % SLOTS]--;
    right[j % SLOTS]++;
  }
}

static void move_across(unsigned i, unsigned j) {
  WEFT_ATOMIC {
    left[i % SLOTS]--;
    right[j % SLOTS]++;
  }
}

static int audit(void) {
  int total = 0;
  WEFT_ATOMIC {
    for (int k = 0; k < SLOTS; k++)
      total += left[k] + right[k];
  }
  return total;
}

static void *mover(void *arg) {
  unsigned seed = (unsigned)(long)arg * 2654435761u + 1;
  for (int r = 0; r < ROUNDS; r++) {
    seed = seed * 1103515245u + 12345u;
    unsigned i = seed >> 8, j = seed >> 16;
    switch ((long)arg % 3) {
    case 0: move_left(i, j); break;
    case 1: move_right(i, j); break;
    default: move_across(i, j); break;
    }
    if (r % 512 == 0)
      weft_yield();
  }
  return NULL;
}

static void *auditor(void *arg) {
  (void)arg;
  while (!stop) {
    if (audit() != 3200)
      bad++;
    audits++;
    weft_yield();
  }
  return NULL;
}

int main(void) {
  for (int k = 0; k < SLOTS; k++)
    left[k] = right[k] = 100;
  pthread_t movers[6], checker;
  pthread_create(&checker, NULL, auditor, NULL);
  for (long t = 0; t < 6; t++)
    pthread_create(&movers[t], NULL, mover, (void *)t);
  for (int t = 0; t < 6; t++)
    pthread_join(movers[t], NULL);
  stop = 1;
  pthread_join(checker, NULL);
  // A last audit, after everything.
  if (audit() != 3200)
    bad++;
  printf("total %d, audits %ld, bad audits %ld\n", audit(), audits + 1, bad);
  return bad != 0;
}
