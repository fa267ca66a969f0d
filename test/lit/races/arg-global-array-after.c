// Thread arguments: main writes the element of a global array it has just passed, after the
// start, while that thread may read it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
struct client {
  int id;
  long got;
};
static struct client clients[8];
void *serve(void *arg) {
  struct client *c = arg;
  c->got = c->id; // expected-note {{the read, with no lock held}}
  return NULL;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t[8];
  for (int i = 0; i < 8; i++) {
    pthread_create(&t[i], NULL, serve, &clients[i]); // expected-note {{thread entry 'serve' is started here, more than once}}
    clients[i].id = i; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'clients': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  }
  for (int i = 0; i < 8; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", clients[7].got);
  return 0;
}
