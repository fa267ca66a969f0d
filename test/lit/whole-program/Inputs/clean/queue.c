#include "queue.h"
static int clamp(int n) { return n < 16 ? n : 15; }
void queue_push(struct queue *q, int v) { q->items[clamp(q->n++)] = v; }
int queue_pop(struct queue *q) { return q->n ? q->items[--q->n] : -1; }
