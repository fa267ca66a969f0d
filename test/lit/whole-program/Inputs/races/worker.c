#include <pthread.h>
#include "shared.h"
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
void *worker(void *arg) {
  for (int i = 0; i < 1000; i++) {
    count_request();
    pthread_mutex_lock(&stats_lock);
    count_locked();
    pthread_mutex_unlock(&stats_lock);
    add_bytes(10);
    count_hit(i & 1);
    lock_tally();
    tally++;
    unlock_tally();
  }
  return arg;
}
