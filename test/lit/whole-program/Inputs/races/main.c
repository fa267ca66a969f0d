#include <pthread.h>
#include "shared.h"
int main(void) {
  init_stats();
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  return report_stats();
}
