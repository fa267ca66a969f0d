/* A program for the gdb extension test: a few named user threads block,
 * one more is spawned and has not run yet, then main stops in
 * weft_test_breakpoint. */
#include <stdio.h>

#include "weft/weft.h"

static weft_sem_t gate;

__attribute__((noinline)) void blocked_in_gate(void) { weft_sem_wait(&gate); }
static void *body(void *arg) {
  (void)arg;
  blocked_in_gate();
  return NULL;
}
__attribute__((noinline)) void weft_test_breakpoint(void) { __asm__ volatile(""); }

int main(void) {
  weft_sem_init(&gate, 0);
  weft_thread_t *t[3];
  weft_attr_t a = {0};
  a.name = "gated";
  for (int i = 0; i < 3; i++) weft_spawn(&t[i], &a, body, NULL);
  weft_sleep(1000000);
  weft_thread_t *late;
  weft_spawn(&late, NULL, body, NULL);
  weft_test_breakpoint();
  for (int i = 0; i < 4; i++) weft_sem_post(&gate);
  for (int i = 0; i < 3; i++) weft_join(t[i], NULL);
  weft_join(late, NULL);
  puts("gdb_target: done");
  return 0;
}
