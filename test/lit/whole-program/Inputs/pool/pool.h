#include <pthread.h>

struct slot {
  pthread_t tid;
  int id;
};
struct pool {
  struct slot slots[4];
};
void pool_stop(struct pool *p);
void *work(void *arg);
extern long jobs_done, jobs_seen;
