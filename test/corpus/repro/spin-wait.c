/* A thread that spin-waits for a flag (as leveldb's skiplist_test reader
 * does) after waking the thread that will set it.
 *
 *   clang-19 -O2 test/corpus/repro/spin-wait.c $(weft-config --libs) -o spin-wait
 *   WEFT_WORKERS=2 ./spin-wait   # hangs: prints nothing, one core busy
 *   WEFT_DISABLE=1 ./spin-wait   # prints both lines, exits 0
 *
 * On libweft the spinner runs on the worker that ran main; the woken main
 * goes to that worker's ring (a backlog of one, under the 4 that wake an
 * idle worker), and the other worker sleeps until woken, so main never
 * runs again and the flag is never set. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int running;
static atomic_int quit;

static void *spinner(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  running = 1;
  pthread_cond_signal(&cv); /* main becomes runnable ... */
  pthread_mutex_unlock(&mu);
  while (!atomic_load_explicit(&quit, memory_order_acquire)) {
    /* ... and this worker never lets it run */
  }
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  pthread_mutex_lock(&mu);
  while (!running) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  printf("main: the spinner runs; setting quit\n");
  fflush(stdout);
  atomic_store_explicit(&quit, 1, memory_order_release);
  pthread_join(t, NULL);
  printf("main: joined\n");
  return 0;
}
