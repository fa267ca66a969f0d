struct queue { int items[16]; int n; };
void queue_push(struct queue *q, int v);
int queue_pop(struct queue *q);
