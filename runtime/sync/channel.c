/* sync: channels, a bounded FIFO built from a weft mutex and two condition
 * variables. Capacity 0 is a rendezvous: the sender waits until a receiver
 * has taken its element. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"

struct weft_channel {
  weft_mutex_t lock;
  weft_cond_t not_full, not_empty, taken;
  size_t elem, cap, head, count;
  uint64_t sent, received;
  int closed, rendezvous;
  unsigned char *buf;
};

weft_channel_t *weft_channel_create(size_t elem_size, size_t capacity) {
  if (elem_size == 0) elem_size = 1;
  weft_channel_t *ch = (weft_channel_t *)calloc(1, sizeof *ch);
  if (!ch) return 0;
  ch->rendezvous = capacity == 0;
  ch->cap = capacity ? capacity : 1;
  ch->elem = elem_size;
  ch->buf = (unsigned char *)malloc(ch->cap * elem_size);
  if (!ch->buf) {
    free(ch);
    return 0;
  }
  return ch;
}

int weft_channel_send(weft_channel_t *ch, const void *elem) {
  weft_mutex_lock(&ch->lock);
  while (ch->count == ch->cap && !ch->closed) weft_cond_wait(&ch->not_full, &ch->lock);
  if (ch->closed) {
    weft_mutex_unlock(&ch->lock);
    return EPIPE;
  }
  memcpy(ch->buf + ((ch->head + ch->count) % ch->cap) * ch->elem, elem, ch->elem);
  ch->count++;
  uint64_t ticket = ++ch->sent;
  weft_cond_signal(&ch->not_empty);
  if (ch->rendezvous)
    while (ch->received < ticket && !ch->closed) weft_cond_wait(&ch->taken, &ch->lock);
  int r = ch->rendezvous && ch->received < ticket ? EPIPE : 0;
  weft_mutex_unlock(&ch->lock);
  return r;
}

int weft_channel_recv(weft_channel_t *ch, void *elem) {
  weft_mutex_lock(&ch->lock);
  while (ch->count == 0 && !ch->closed) weft_cond_wait(&ch->not_empty, &ch->lock);
  if (ch->count == 0) {
    weft_mutex_unlock(&ch->lock);
    return EPIPE;
  }
  memcpy(elem, ch->buf + ch->head * ch->elem, ch->elem);
  ch->head = (ch->head + 1) % ch->cap;
  ch->count--;
  ch->received++;
  weft_cond_signal(&ch->not_full);
  if (ch->rendezvous) weft_cond_broadcast(&ch->taken);
  weft_mutex_unlock(&ch->lock);
  return 0;
}

int weft_channel_close(weft_channel_t *ch) {
  weft_mutex_lock(&ch->lock);
  ch->closed = 1;
  weft_cond_broadcast(&ch->not_full);
  weft_cond_broadcast(&ch->not_empty);
  weft_cond_broadcast(&ch->taken);
  weft_mutex_unlock(&ch->lock);
  return 0;
}

void weft_channel_destroy(weft_channel_t *ch) {
  if (!ch) return;
  free(ch->buf);
  free(ch);
}
