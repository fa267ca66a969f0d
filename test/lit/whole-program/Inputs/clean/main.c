#include <weft/weft.h>
#include "queue.h"
int main(void) {
  struct queue q = {0};
  WEFT_ATOMIC {
    queue_push(&q, 1);
  }
  return queue_pop(&q) == 1 ? 0 : 1;
}
