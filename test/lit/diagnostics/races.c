// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// Race warnings: data races between thread entries, and check-then-act
// across a blocking call.
// RUN: %clang_weft -fplugin-arg-weft-workers=1 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=ONE --implicit-check-not="data race"
// ONE: warning: 'cached' is written here from a value read before a blocking call to 'write'
// RUN: %clang_weft -fplugin-arg-weft-no-race -fplugin-arg-weft-no-lock-held -c -o /dev/null %s 2>&1 | count 0
// RUN: not %clang_weft -Werror -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=WERROR
// WERROR: error: data race on 'hits'
// RUN: rm -rf %t && %clang_weft -fplugin-arg-weft-report=%t -c -o /dev/null %s 2>/dev/null
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t/races.c.weft.json
// REPORT: "races": [
// REPORT-DAG: "kind": "check-then-act",
// REPORT-DAG: "location": "global:cached",
// REPORT-DAG: "kind": "data-race",
// REPORT-DAG: "location": "global:hits",
#include <weft/weft.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

long hits;                  // written by every worker with no lock
long guarded;               // always under m
long in_sections;           // always in sections
long half_sections;         // in a section in one place, not in the other
long before_threads;        // written by main before it starts threads
_Atomic long atomic_count;  // atomics do not race
long WEFT_NORACE stats;     // declared harmless
long by_reader, by_writer;  // rwlock: readers vs a writer
long cached;                // check-then-act
long fresh;                 // read again after the blocking call
long held_across;           // a lock held across the blocking call
int fd = 1;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void record(void) {
  hits++; // expected-warning {{data race on 'hits': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  // expected-note@-1 {{this write is made with no lock held}}
  // expected-note@-2 {{the other write, with no lock held}}
}

void *worker(void *arg) {
  (void)arg;
  record(); // expected-note 2 {{'worker' calls 'record'}}
  pthread_mutex_lock(&m);
  guarded++;
  pthread_mutex_unlock(&m);
  WEFT_ATOMIC { in_sections++; }
  WEFT_ATOMIC { half_sections++; } // expected-warning {{data race on 'half_sections': this write may run in parallel with another write of it}}
  // expected-note@-1 {{this write is made with no lock held, inside an atomic section}}
  atomic_fetch_add(&atomic_count, 1);
  stats++;
  long seen = before_threads;
  pthread_rwlock_rdlock(&rw);
  by_reader += seen; // expected-warning {{data race on 'by_reader': this write may run in parallel with another write of it}}
  // expected-note@-1 {{this write is made holding 'global:rw:r'}}
  // expected-note@-2 {{the other write, holding 'global:rw:r'}}
  pthread_rwlock_unlock(&rw);
  pthread_rwlock_wrlock(&rw);
  by_writer++;
  pthread_rwlock_unlock(&rw);
  return NULL;
}

void *auditor(void *arg) {
  (void)arg;
  half_sections = 0; // expected-note {{the other write, with no lock held}}
  pthread_rwlock_rdlock(&rw);
  long w = by_writer;
  pthread_rwlock_unlock(&rw);
  return (void *)w;
}

void refresh(void) {
  long v = cached; // expected-note {{'cached' is read here}}
  write(fd, "x", 1); // expected-note {{this call may block}}
  cached = v + 1; // expected-warning {{'cached' is written here from a value read before a blocking call to 'write'; other threads run while this one is blocked and may change it (read it again after the call, or hold a lock across) [weft-race]}}
}

void reread(void) {
  long v = fresh;
  write(fd, "x", 1);
  v = fresh;
  fresh = v + 1;
}

void locked(void) {
  pthread_mutex_lock(&m);
  long v = held_across;
  write(fd, "x", 1); // expected-warning {{'write' may wait (io) while 'global:m' is held}}
  held_across = v + 1;
  pthread_mutex_unlock(&m);
}

int main(void) {
  before_threads = 42;
  pthread_t t[4], a;
  pthread_create(&a, NULL, auditor, NULL); // expected-note 1+ {{thread entry 'auditor' is started here}}
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, NULL); // expected-note 1+ {{thread entry 'worker' is started here, more than once}}
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  pthread_join(a, NULL);
  printf("%ld %ld %ld\n", hits, guarded, in_sections);
  refresh();
  reread();
  locked();
  return 0;
}
