#include "pool.h"
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *work(void *arg) {
  pthread_mutex_lock(&m);
  jobs_seen++;
  jobs_done++;
  pthread_mutex_unlock(&m);
  return arg;
}
