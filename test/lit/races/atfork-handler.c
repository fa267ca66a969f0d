// fork handlers: pthread_atfork's prepare handler runs in the thread that forks, while a worker still writes the same global. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>
int forks;
void prepare(void) {
  forks++; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'forks': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
}
void *worker(void *a) {
  forks = 0; // expected-note {{the other write, with no lock held}}
  return a;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_atfork(prepare, NULL, NULL);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL); // expected-note {{thread entry 'worker' is started here}}
  pid_t pid = fork(); // expected-note {{'main' calls 'fork'}}
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
