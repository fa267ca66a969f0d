/* Four weft threads add to a counter in atomic sections. */
#include <stdio.h>
#include <weft/weft.h>

static int counter;

static void *work(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    WEFT_ATOMIC { counter++; }
    if (i % 100 == 0)
      weft_yield();
  }
  return weft_self() ? (void *)1 : (void *)0;
}

int main(void) {
  weft_thread_t *threads[4];
  int on_weft = 0;
  for (int i = 0; i < 4; i++)
    if (weft_spawn(&threads[i], NULL, work, NULL) != 0)
      return 1;
  for (int i = 0; i < 4; i++) {
    void *result;
    weft_join(threads[i], &result);
    on_weft += result != NULL;
  }
  printf("counter %d, %d threads on weft, main on weft: %s\n", counter, on_weft,
         weft_self() ? "yes" : "no");
  return 0;
}
