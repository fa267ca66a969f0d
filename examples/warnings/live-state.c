// A thread keeps a large buffer alive while it waits: [weft-live-state]
#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int done;

void render(char *page, unsigned size);
void send_page(const char *page, unsigned size);

void serve_when_ready(void) {
  char page[32768];
  render(page, sizeof page);
  pthread_mutex_lock(&lock);
  while (!done)
    pthread_cond_wait(&ready, &lock); // the page waits with the thread
  pthread_mutex_unlock(&lock);
  send_page(page, sizeof page);
}
