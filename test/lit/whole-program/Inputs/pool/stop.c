#include "pool.h"
void pool_stop(struct pool *p) {
  for (int i = 0; i < 4; i++)
    pthread_join(p->slots[i].tid, NULL);
}
