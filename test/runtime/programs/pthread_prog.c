/* A plain pthread program (nothing weft-specific except the final check),
 * linked against libweft as a user would: every pthread and main run as
 * weft user threads. Exits 0 and prints "pthread_prog: ok" on success. */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weft/weft.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t bar;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static sem_t sem;
static long counter;
static int once_runs, dtor_runs;

static void once_fn(void) { once_runs++; }
static void key_dtor(void *v) { dtor_runs++; free(v); }

static void *worker(void *arg) {
  CHECK(weft_self() != NULL);          /* really a weft user thread */
  CHECK(pthread_self() == (pthread_t)weft_self());
  pthread_once(&once, once_fn);
  pthread_setspecific(key, malloc(16));
  CHECK(pthread_getspecific(key) != NULL);
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
    if (i % 100 == 0) sched_yield();
  }
  pthread_mutex_lock(&rec);
  pthread_mutex_lock(&rec);
  pthread_mutex_unlock(&rec);
  pthread_mutex_unlock(&rec);
  pthread_rwlock_rdlock(&rw);
  pthread_rwlock_unlock(&rw);
  pthread_barrier_wait(&bar);
  sem_post(&sem);
  usleep(1000);
  return arg;
}

static void *exits_early(void *arg) {
  pthread_exit((void *)((long)arg * 2));
  return NULL;
}

static void *deep(void *arg) {
  volatile char buf[256 * 1024]; /* needs the large stack it asked for */
  memset((char *)buf, 1, sizeof buf);
  return (void *)(long)buf[1000];
}

static pthread_key_t early_key;
static int early_value = 7;
__attribute__((constructor)) static void before_main(void) {
  /* Runs on the main kernel thread before weft starts main. */
  pthread_key_create(&early_key, NULL);
  pthread_setspecific(early_key, &early_value);
}

int main(void) {
  CHECK(weft_self() != NULL); /* main too */
  CHECK(pthread_getspecific(early_key) == &early_value);
  CHECK(pthread_key_create(&key, key_dtor) == 0);
  CHECK(pthread_barrier_init(&bar, NULL, 8) == 0);
  CHECK(sem_init(&sem, 0, 0) == 0);
  pthread_t ts[8];
  for (long i = 0; i < 8; i++) CHECK(pthread_create(&ts[i], NULL, worker, (void *)i) == 0);
  for (long i = 0; i < 8; i++) {
    void *r;
    CHECK(pthread_join(ts[i], &r) == 0);
    CHECK(r == (void *)i);
  }
  for (int i = 0; i < 8; i++) CHECK(sem_wait(&sem) == 0);
  CHECK(sem_trywait(&sem) == -1 && errno == EAGAIN);
  CHECK(counter == 8000);
  CHECK(once_runs == 1);
  CHECK(dtor_runs == 8);

  pthread_t t;
  void *r;
  CHECK(pthread_create(&t, NULL, exits_early, (void *)21) == 0);
  CHECK(pthread_join(t, &r) == 0 && r == (void *)42);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  CHECK(pthread_create(&t, &attr, deep, NULL) == 0);
  CHECK(pthread_join(t, &r) == 0 && r == (void *)1);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  CHECK(pthread_create(&t, &attr, exits_early, NULL) == 0);
  usleep(1000);
  pthread_attr_destroy(&attr);

  /* timed waits */
  struct timespec ts_abs;
  clock_gettime(CLOCK_REALTIME, &ts_abs);
  ts_abs.tv_nsec += 2000000;
  if (ts_abs.tv_nsec >= 1000000000) { ts_abs.tv_sec++; ts_abs.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&mu);
  CHECK(pthread_cond_timedwait(&cv, &mu, &ts_abs) == ETIMEDOUT);
  pthread_mutex_unlock(&mu);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_t mcv;
  pthread_cond_init(&mcv, &ca);
  clock_gettime(CLOCK_MONOTONIC, &ts_abs);
  ts_abs.tv_sec += 0;
  ts_abs.tv_nsec += 1000000;
  if (ts_abs.tv_nsec >= 1000000000) { ts_abs.tv_sec++; ts_abs.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&mu);
  CHECK(pthread_cond_timedwait(&mcv, &mu, &ts_abs) == ETIMEDOUT);
  pthread_mutex_unlock(&mu);

  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t em;
  pthread_mutex_init(&em, &ma);
  CHECK(pthread_mutex_lock(&em) == 0);
  CHECK(pthread_mutex_lock(&em) == EDEADLK);
  CHECK(pthread_mutex_unlock(&em) == 0);
  CHECK(pthread_mutex_unlock(&em) == EPERM);

  CHECK(pthread_equal(pthread_self(), pthread_self()));
  char name[16];
  CHECK(pthread_setname_np(pthread_self(), "mainthread") == 0);
  CHECK(pthread_getname_np(pthread_self(), name, sizeof name) == 0 && strcmp(name, "mainthread") == 0);
  printf("pthread_prog: ok\n");
  return 0;
}
