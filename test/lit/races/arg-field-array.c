// Thread arguments private: each thread of a loop gets its own element of an array a structure points to (`&e->slots[i]`), holding its own mutex beside its queue; the starter initialises each element's mutex before its start. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdlib.h>

struct slot {
  pthread_mutex_t mutex;
  int depth;
  struct slot *next;
};
struct engine {
  struct slot *slots;
  int count;
};
void *serve(void *arg) {
  struct slot *me = arg;
  for (;;) {
    pthread_mutex_lock(&me->mutex);
    if (me->depth) {
      pthread_mutex_unlock(&me->mutex);
      break;
    }
    me->next = me;
    pthread_mutex_unlock(&me->mutex);
  }
  return NULL;
}
void start(struct engine *e, int n) {
  pthread_t t;
  int i;
  e->slots = calloc(n, sizeof(struct slot));
  for (i = 0; i < n; i++) {
    pthread_mutex_init(&e->slots[i].mutex, NULL);
    e->slots[i].depth = 1;
    pthread_create(&t, NULL, serve, &e->slots[i]);
  }
  for (i = 0; i < n; i++)
    e->count++;
}
int main(void) {
  start(calloc(1, sizeof(struct engine)), 4);
  return 0;
}
