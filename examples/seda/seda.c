/* seda: the thread-pool benchmark of the paper's Figure 2 (after the SEDA
 * paper's threaded-server measurement).
 *
 * N tasks circulate through a server. Serving a task is an 8 KiB read of a
 * file that is in the page cache, then giving up the processor, as sending
 * a reply on a busy socket would; a served task goes back into the queue as
 * the next request (a closed loop with N requests in flight, generated
 * inside the program, so no network is involved). The program reports
 * tasks served per second.
 *
 *   --mode threads  N threads (pthread_create), one task each: they share
 *                   a queue (mutex + condition variable), read, and yield
 *                   (sched_yield). Built twice: seda-pthread (kernel
 *                   threads) and seda (libweft: user threads).
 *   --mode epoll    the event-driven peer: one event loop per core, each
 *                   with its share of the N tasks as state records in a
 *                   ready list; every batch of 64 passes through epoll_wait
 *                   on the loop's eventfd, as an event server's would.
 *                   Run it from seda-pthread: the loops never block, so on
 *                   a cooperative runtime they would starve main.
 *
 *   seda --mode threads|epoll --n N [--seconds S] [--file PATH] [--loops L]
 *
 * Prints: "<mode> <N> <tasks per second> <threads or loops> [<seconds to
 * create the threads>]".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE 8192

static int file_fd;
static atomic_ullong served;
static atomic_int stop;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Serving one task: the 8 KiB read of a cached file. The buffer lives only
 * for the read, so a blocked or waiting thread holds no buffer. */
static void serve_task(void) {
  char *buf = malloc(READ_SIZE);
  if (!buf || pread(file_fd, buf, READ_SIZE, 0) != READ_SIZE) {
    fprintf(stderr, "seda: read failed: %s\n", strerror(errno));
    exit(1);
  }
  free(buf);
  atomic_fetch_add_explicit(&served, 1, memory_order_relaxed);
}

/* ---- threads ------------------------------------------------------------ */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_nonempty = PTHREAD_COND_INITIALIZER;
static long queued;  /* tasks waiting; each is just "a request" */

static void *server_thread(void *arg) {
  (void)arg;
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    pthread_mutex_lock(&queue_lock);
    while (queued == 0 && !atomic_load(&stop))
      pthread_cond_wait(&queue_nonempty, &queue_lock);
    queued--;
    pthread_mutex_unlock(&queue_lock);

    serve_task();
    sched_yield();  /* the reply goes out; others run */

    pthread_mutex_lock(&queue_lock);
    queued++;  /* the client's next request */
    pthread_cond_signal(&queue_nonempty);
    pthread_mutex_unlock(&queue_lock);
  }
  return NULL;
}

static void run_threads(long n, double seconds) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 16384);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  double created = now();
  long started = 0;
  for (; started < n; started++) {  /* they all wait: the queue is empty */
    pthread_t t;
    if (pthread_create(&t, &attr, server_thread, NULL) != 0)
      break;
  }
  double t0 = now();
  created = t0 - created;
  pthread_mutex_lock(&queue_lock);
  queued = started;  /* one request per thread */
  pthread_cond_broadcast(&queue_nonempty);
  pthread_mutex_unlock(&queue_lock);
  /* Warm up until every thread has served a task twice (the wake-up of
   * all N at once is not the steady state this measures). */
  while (atomic_load(&served) < 2 * (unsigned long long)started)
    usleep(200000);
  t0 = now();
  unsigned long long s0 = atomic_load(&served);
  /* One long sleep, not a polling loop: on a cooperative runtime every
   * wake-up of this thread waits behind the N runnable ones. */
  usleep((useconds_t)(seconds * 1e6));
  unsigned long long s1 = atomic_load(&served);
  double t1 = now();
  printf("threads %ld %.0f %ld %.2f\n", n, (double)(s1 - s0) / (t1 - t0), started, created);
  fflush(stdout);
  /* The threads are left running: _exit ends them all at once, which for
   * a million threads is much quicker than stopping and joining each. */
  _exit(started == n ? 0 : 3);
}

/* ---- epoll ---------------------------------------------------------------- */

struct task {
  struct task *next;
  long id;
};

struct event_loop {
  long ntasks;
  pthread_t thread;
};

static void *event_loop(void *arg) {
  struct event_loop *loop = arg;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct epoll_event e = {.events = EPOLLIN, .data.fd = ev};
  epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);

  struct task *head = NULL, **tail = &head;
  struct task *tasks = calloc((size_t)loop->ntasks, sizeof *tasks);
  for (long i = 0; i < loop->ntasks; i++) {
    tasks[i].id = i;
    *tail = &tasks[i];
    tail = &tasks[i].next;
  }
  uint64_t one = 1;
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    /* a batch of ready tasks is announced and collected through epoll */
    if (write(ev, &one, sizeof one) < 0)
      break;
    struct epoll_event got[64];
    int n = epoll_wait(ep, got, 64, -1);
    uint64_t v;
    if (n > 0 && read(ev, &v, sizeof v) < 0)
      break;
    for (int i = 0; i < 64 && head; i++) {
      struct task *t = head;
      head = t->next;
      if (!head)
        tail = &head;
      serve_task();
      t->next = NULL;  /* the client's next request joins the end */
      *tail = t;
      tail = &t->next;
    }
  }
  free(tasks);
  close(ev);
  close(ep);
  return NULL;
}

static void run_epoll(long n, double seconds, int nloops) {
  if (nloops > n)
    nloops = (int)n;
  struct event_loop *loops = calloc((size_t)nloops, sizeof *loops);
  for (int i = 0; i < nloops; i++) {
    loops[i].ntasks = n / nloops + (i < n % nloops);
    pthread_create(&loops[i].thread, NULL, event_loop, &loops[i]);
  }
  double t0 = now();
  unsigned long long s0 = atomic_load(&served);
  while (now() - t0 < seconds)
    usleep(20000);
  unsigned long long s1 = atomic_load(&served);
  double t1 = now();
  atomic_store(&stop, 1);
  for (int i = 0; i < nloops; i++)
    pthread_join(loops[i].thread, NULL);
  free(loops);
  printf("epoll %ld %.0f %d\n", n, (double)(s1 - s0) / (t1 - t0), nloops);
}

int main(int argc, char **argv) {
  const char *mode = "threads", *path = "/proc/self/exe";
  long n = 1;
  double seconds = 2;
  int nloops = (int)sysconf(_SC_NPROCESSORS_ONLN);
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
    else if (!strcmp(argv[i], "--n")) n = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--file")) path = argv[i + 1];
    else if (!strcmp(argv[i], "--loops")) nloops = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "seda: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (n < 1 || nloops < 1 || (strcmp(mode, "threads") && strcmp(mode, "epoll"))) {
    fprintf(stderr, "usage: seda --mode threads|epoll --n N [--seconds S] [--file PATH] [--loops L]\n");
    return 2;
  }
  file_fd = open(path, O_RDONLY | O_CLOEXEC);
  char warm[READ_SIZE];
  if (file_fd < 0 || pread(file_fd, warm, READ_SIZE, 0) != READ_SIZE) {
    fprintf(stderr, "seda: %s: need a readable file of at least 8 KiB\n", path);
    return 1;
  }
  if (!strcmp(mode, "epoll")) {
    run_epoll(n, seconds, nloops);
  } else {
    run_threads(n, seconds);
  }
  return 0;
}
