#include "pool.h"
#include <stdio.h>
long jobs_done, jobs_seen;
int main(void) {
  static struct pool p;
  for (int i = 0; i < 4; i++) {
    p.slots[i].id = i;
    pthread_create(&p.slots[i].tid, NULL, work, &p.slots[i]);
  }
  printf("%ld\n", jobs_seen);
  pool_stop(&p);
  printf("%ld\n", jobs_done);
  return 0;
}
