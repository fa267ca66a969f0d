// Thread arguments: each thread gets its own element of a global array, which main fills in
// (fields, and a pipe() into one of them) before the start that passes it, in the same
// iteration. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
struct client {
  int id;
  int fds[2];
  long got;
};
static struct client clients[8];
void *serve(void *arg) {
  struct client *c = arg;
  long v = 0;
  if (read(c->fds[0], &v, sizeof v) == sizeof v)
    c->got = v + c->id;
  return NULL;
}
int main(void) {
  pthread_t t[8];
  for (int i = 0; i < 8; i++) {
    clients[i].id = i;
    if (pipe(clients[i].fds) != 0 || pthread_create(&t[i], NULL, serve, &clients[i]) != 0)
      return 1;
  }
  for (int i = 0; i < 8; i++)
    pthread_join(t[i], NULL);
  long sum = 0;
  for (int i = 0; i < 8; i++)
    sum += clients[i].got;
  printf("%ld\n", sum);
  return 0;
}
