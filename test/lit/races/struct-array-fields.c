// An array of structs indexed by a variable: each element's fields are apart from the other
// fields of every element, so two threads may update different fields under different locks
// (race-free), but not one field (racy). The helper gets the field's address.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
struct slot {
  long reads;
  long writes;
  long total;
};
struct slot table[16];
pthread_mutex_t read_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static void bump(long *counter) { ++*counter; }
void *reader(void *arg) {
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&read_lock);
    table[i % 16].reads++;
    table[i % 16].total++; // expected-note {{this write is made holding 'global:read_lock'}} expected-warning {{data race on 'table': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
    pthread_mutex_unlock(&read_lock);
  }
  return arg;
}
void *writer(void *arg) {
  for (int i = 0; i < 1000; i++) {
    struct slot *s = &table[(i * 7) % 16];
    pthread_mutex_lock(&write_lock);
    bump(&s->writes);
    s->total++; // expected-note {{the other write, holding 'global:write_lock'}}
    pthread_mutex_unlock(&write_lock);
  }
  return arg;
}
int main(void) {
  pthread_t r, w;
  pthread_create(&r, 0, reader, 0); // expected-note {{thread entry 'reader' is started here}}
  pthread_create(&w, 0, writer, 0); // expected-note {{thread entry 'writer' is started here}}
  pthread_join(r, 0);
  pthread_join(w, 0);
  return (int)table[0].total;
}
