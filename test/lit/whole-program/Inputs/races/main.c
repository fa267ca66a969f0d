#include <pthread.h>
#include "shared.h"
static pthread_t reporter_tid;
static void *reporter(void *arg) {
  shutdown_early();
  shutdown_all();
  return arg;
}
int main(void) {
  init_stats();
  start_flusher();
  pthread_create(&reporter_tid, NULL, reporter, NULL);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  pthread_join(reporter_tid, NULL);
  return report_stats();
}
