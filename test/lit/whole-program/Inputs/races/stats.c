#include <pthread.h>
#include "shared.h"
long requests, locked_requests, bytes;
static pthread_mutex_t bytes_lock = PTHREAD_MUTEX_INITIALIZER;
static long calls;
void init_stats(void) {
  requests = 0;
  locked_requests = 0;
}
void count_request(void) {
  requests++;
}
void count_locked(void) {
  locked_requests++;
}
void add_bytes(long n) {
  pthread_mutex_lock(&bytes_lock);
  bytes += n;
  pthread_mutex_unlock(&bytes_lock);
}
int report_stats(void) {
  calls++;
  return requests + locked_requests + bytes + calls > 0 ? 0 : 1;
}
long hits, misses;
void count_hit(int hit) {
  if (hit)
    hits++;
  else
    misses++;
}
static pthread_t flusher_tid;
long flushed, flush_state;
static void *flusher(void *arg) {
  flushed++;
  flush_state = 1;
  return arg;
}
void start_flusher(void) {
  pthread_create(&flusher_tid, NULL, flusher, NULL);
}
void stop_flusher(void) {
  pthread_join(flusher_tid, NULL);
}
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
long tally;
void lock_tally(void) {
  pthread_mutex_lock(&tally_lock);
}
void unlock_tally(void) {
  pthread_mutex_unlock(&tally_lock);
}
