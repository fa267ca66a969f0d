/* Two pthreads handing a token back and forth through a mutex and a
 * condition variable. Plain pthread code: built once against libweft (user
 * threads) and once against glibc alone (NPTL). Prints ns per hand-off. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;
static long iters;

static void *player(void *arg) {
  int me = (int)(long)arg;
  for (long i = 0; i < iters; i++) {
    pthread_mutex_lock(&mu);
    while (turn != me) pthread_cond_wait(&cv, &mu);
    turn = !me;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

int main(int argc, char **argv) {
  iters = argc > 1 ? atol(argv[1]) : 1000000;
  pthread_t a, b;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_create(&a, NULL, player, (void *)0);
  pthread_create(&b, NULL, player, (void *)1);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  printf("%.1f\n", ns / (double)(2 * iters));
  return 0;
}
