/* Knot: a static-file web server in the plain threaded style.
 *
 * One thread per connection. Each thread reads a request with an ordinary
 * blocking read, answers it with ordinary blocking writes (writev, or
 * sendfile for files too large for the page cache) and loops for the next
 * one; there are no callbacks and no state machines. The same source builds
 * two ways:
 *   knot-pthread  native pthreads: one kernel thread per connection;
 *   knot          linked with libweft, whose pthread layer makes every
 *                 pthread a user thread and every blocking call block only
 *                 that user thread.
 *
 * Reading order: options, the listening socket and the accept loop (main),
 * then one connection's life (serve_connection), then requests, paths and
 * responses, then /weft-status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "http.h"

#ifdef KNOT_WITH_WEFT
#include <weft/weft.h>
#define THREAD_PACKAGE "weft"
#else
#define THREAD_PACKAGE "pthread"
#endif

#define MAX_HEAD 8192              /* request line + headers; longer: 414 or 431 */
#define BUFFER_SIZE (2 * MAX_HEAD) /* room for one head plus pipelined requests */
#define MAX_BODY 65536             /* request bodies are read and dropped; larger: 413 */
#define STATUS_PATH "/weft-status"
/* Lingering close (see linger_close): at most this long in all, this long
 * for any one read, and this many bytes dropped. */
#define LINGER_MS 5000
#define LINGER_READ_MS 1000
#define LINGER_BYTES (1 << 20)

/* ---- options ---------------------------------------------------------- */

static struct {
  int port;
  const char *root;
  int workers;            /* 0: the runtime's default */
  const char *policy;     /* "active" or "accept" */
  int status;             /* serve /weft-status */
  int max_connections;
  int idle_timeout_ms;
  size_t cache_bytes;
} opt = {
    .port = 8080,
    .policy = "active",
    .max_connections = 16000,
    .idle_timeout_ms = 30000,
    .cache_bytes = 64 << 20,
};

static void usage(FILE *to) {
  fprintf(to,
          "usage: knot --port N --root DIR [--workers N] [--policy active|accept] [--status]\n"
          "            [--max-connections N] [--idle-timeout SECONDS] [--cache-mb N]\n"
          "  --port N             TCP port on all addresses (0: pick one, print it)\n"
          "  --root DIR           directory to serve; nothing outside it is reachable\n"
          "  --workers N          kernel threads that run user threads (weft build)\n"
          "  --policy P           active: favor active connections; accept: favor new ones\n"
          "  --status             serve the server's statistics at " STATUS_PATH "\n"
          "  --max-connections N  connections beyond N get 503 (default 16000)\n"
          "  --idle-timeout S     close a connection silent for S seconds (default 30)\n"
          "  --cache-mb N         page cache memory limit in MiB (default 64)\n");
}

static long number_arg(const char *name, const char *value, long min, long max) {
  char *end;
  errno = 0;
  long v = value ? strtol(value, &end, 10) : 0;
  if (!value || errno || *end || v < min || v > max) {
    fprintf(stderr, "knot: %s %s: expected a number from %ld to %ld\n", name,
            value ? value : "(missing)", min, max);
    exit(2);
  }
  return v;
}

static void parse_options(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      exit(0);
    } else if (!strcmp(a, "--status")) {
      opt.status = 1;
      continue;
    } else if (!strcmp(a, "--port")) {
      opt.port = (int)number_arg(a, v, 0, 65535);
    } else if (!strcmp(a, "--root")) {
      opt.root = v;
    } else if (!strcmp(a, "--workers")) {
      opt.workers = (int)number_arg(a, v, 1, 1024);
    } else if (!strcmp(a, "--policy")) {
      opt.policy = v ? v : "";
      if (strcmp(opt.policy, "active") && strcmp(opt.policy, "accept")) {
        fprintf(stderr, "knot: --policy %s: expected active or accept\n", opt.policy);
        exit(2);
      }
    } else if (!strcmp(a, "--max-connections")) {
      opt.max_connections = (int)number_arg(a, v, 1, 1000000);
    } else if (!strcmp(a, "--idle-timeout")) {
      opt.idle_timeout_ms = (int)number_arg(a, v, 1, 86400) * 1000;
    } else if (!strcmp(a, "--cache-mb")) {
      opt.cache_bytes = (size_t)number_arg(a, v, 0, 1 << 20) << 20;
    } else {
      fprintf(stderr, "knot: unknown option %s\n", a);
      usage(stderr);
      exit(2);
    }
    i++;  /* every option but --status takes a value */
  }
  if (!opt.root) {
    fprintf(stderr, "knot: --root DIR is required\n");
    usage(stderr);
    exit(2);
  }
}

/* ---- process state ---------------------------------------------------- */

static int root_fd;
static int stop_pipe[2];            /* readable once SIGINT or SIGTERM arrived */
static atomic_int stopping;
static atomic_int active_connections;
static atomic_ullong accepted, refused, requests, timeouts;
static pthread_mutex_t drain_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;

/* The handler only records the request and wakes the acceptor, which
 * waits on stop_pipe[0] besides the listener. It writes through
 * the raw system call, which is async-signal-safe whatever runtime is
 * underneath. */
static void on_signal(int sig) {
  (void)sig;
  atomic_store(&stopping, 1);
  char c = 1;
  syscall(SYS_write, stop_pipe[1], &c, 1);
}

static void *serve_connection(void *arg);
static void stop_reading_all(void);

/* Passes --workers and --policy to the thread package.
 *
 * libweft runs main() itself on a user thread, so its workers exist before
 * main starts; it sizes them from WEFT_WORKERS. To honour --workers Knot
 * sets that variable and starts itself again (once: the second time the
 * count matches). The policy is the runtime's: which threads run first
 * when several become runnable.
 *
 * Native pthreads have neither knob: there --workers is ignored (use
 * taskset to confine the process) and the policy is only the acceptor's
 * behaviour in main. */
static void configure_threads(char **argv) {
#ifdef KNOT_WITH_WEFT
  if (opt.workers > 0 && weft_workers() != (unsigned)opt.workers) {
    char n[16];
    snprintf(n, sizeof n, "%d", opt.workers);
    setenv("WEFT_WORKERS", n, 1);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "knot: --workers %d: cannot restart with WEFT_WORKERS=%s: %s\n",
            opt.workers, n, strerror(errno));
    exit(1);
  }
  weft_set_policy(strcmp(opt.policy, "accept") == 0 ? &weft_policy_favor_accept
                                                    : &weft_policy_favor_active);
#else
  (void)argv;
#endif
}

static int listen_on(int port) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int family = AF_INET6;
  if (fd < 0) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    family = AF_INET;
  }
  if (fd < 0)
    return -1;
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss = {0};
  socklen_t len;
  if (family == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_any;
    a->sin6_port = htons((uint16_t)port);
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    a->sin_port = htons((uint16_t)port);
    len = sizeof *a;
  }
  if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4096) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int bound_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &len);
  return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                        : ((struct sockaddr_in *)&ss)->sin_port);
}

/* Over the connection limit: say so and hang up, without a thread. */
static void refuse(int fd) {
  static const char msg[] =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
      "Content-Length: 20\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
      "too many connections";
  ssize_t n = send(fd, msg, sizeof msg - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
  (void)n; /* a client that cannot take 120 bytes gets only the close */
  /* The accept loop must not wait for a client, so this lingering close
   * does not block: it drops what the client has sent so far (normally
   * its whole request), so that the close sends FIN, not a reset that
   * could destroy the answer. */
  shutdown(fd, SHUT_WR);
  char sink[4096];
  for (int i = 0; i < 16 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++) {
  }
  close(fd);
  atomic_fetch_add(&refused, 1);
}

static void yield_to_connections(void) {
#ifdef KNOT_WITH_WEFT
  weft_yield();
#else
  sched_yield();
#endif
}

int main(int argc, char **argv) {
  parse_options(argc, argv);
  configure_threads(argv);

  root_fd = open(opt.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    fprintf(stderr, "knot: --root %s: %s\n", opt.root, strerror(errno));
    return 1;
  }
  cache_init(root_fd, opt.cache_bytes, 1 << 20);

  int listener = listen_on(opt.port);
  if (listener < 0) {
    fprintf(stderr, "knot: --port %d: %s\n", opt.port, strerror(errno));
    return 1;
  }
  if (pipe2(stop_pipe, O_CLOEXEC) != 0)
    return 1;
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 << 10);

  printf("knot: %s threads, serving %s on port %d\n", THREAD_PACKAGE, opt.root,
         bound_port(listener));
  fflush(stdout);

  /* The accept loop: one thread per connection. With --policy active the
   * acceptor steps aside after each new connection so that threads with
   * work run first; with --policy accept it takes connections back to back. */
  int favor_active = strcmp(opt.policy, "active") == 0;
  struct pollfd waits[2] = {{.fd = listener, .events = POLLIN},
                            {.fd = stop_pipe[0], .events = POLLIN}};
  while (!atomic_load(&stopping)) {
    if (poll(waits, 2, -1) < 0 || waits[1].revents)
      continue;
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE)
        usleep(10000);  /* out of descriptors: let connections finish */
      continue;
    }
    atomic_fetch_add(&accepted, 1);
    if (atomic_load(&active_connections) >= opt.max_connections) {
      refuse(fd);
      continue;
    }
    atomic_fetch_add(&active_connections, 1);
    pthread_t t;
    if (pthread_create(&t, &attr, serve_connection, (void *)(intptr_t)fd) != 0) {
      atomic_fetch_sub(&active_connections, 1);
      refuse(fd);
      continue;
    }
    if (favor_active)
      yield_to_connections();
  }

  /* Graceful shutdown: stop accepting, let every connection finish the
   * response it is sending (reads end, so idle ones close), then exit.
   * Connections get ten seconds. */
  close(listener);
  stop_reading_all();
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  pthread_mutex_lock(&drain_lock);
  while (atomic_load(&active_connections) > 0)
    if (pthread_cond_timedwait(&drained, &drain_lock, &deadline) == ETIMEDOUT)
      break;
  pthread_mutex_unlock(&drain_lock);
  int left = atomic_load(&active_connections);
  printf("knot: stopped, %llu connections served, %d cut off\n",
         (unsigned long long)atomic_load(&accepted), left);
  fflush(stdout);
  return left ? 1 : 0;
}

/* ---- one connection ----------------------------------------------------- */

struct connection {
  int fd;
  char *buf;
  size_t used;            /* bytes in buf */
  struct connection *prev, *next; /* in the list of open connections */
};

/* The open connections, so that shutdown can end the reads they wait in. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct connection *open_connections;

static void connection_opened(struct connection *c) {
  pthread_mutex_lock(&open_lock);
  c->next = open_connections;
  if (c->next)
    c->next->prev = c;
  open_connections = c;
  pthread_mutex_unlock(&open_lock);
}

static void connection_closed(struct connection *c) {
  pthread_mutex_lock(&open_lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    open_connections = c->next;
  if (c->next)
    c->next->prev = c->prev;
  pthread_mutex_unlock(&open_lock);
}

/* Shutdown: every read a connection waits in (or starts) returns end of
 * input; the writes of responses in flight go on. A connection opened
 * after this sees `stopping` before its first read. */
static void stop_reading_all(void) {
  pthread_mutex_lock(&open_lock);
  for (struct connection *c = open_connections; c; c = c->next)
    shutdown(c->fd, SHUT_RD);
  pthread_mutex_unlock(&open_lock);
}

static int respond(struct connection *c, const struct http_request *req);
static void send_error(struct connection *c, int status, int keep_alive);

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the client has sent bytes this connection has not read. */
static int input_pending(const struct connection *c) {
  int queued = 0;
  return c->used > 0 || (ioctl(c->fd, FIONREAD, &queued) == 0 && queued > 0);
}

/* Lingering close. Closing a socket with input unread makes the kernel send
 * a reset instead of FIN, and answer every later byte from the client with
 * a reset too: a client still sending its request (a large header answered
 * with 431, a body answered with 413) then sees its send fail and never
 * reads the answer, or loses the answer from its receive queue. So the
 * sending half is shut down first (the answer ends with FIN), and input is
 * read and dropped until the client closes, for at most LINGER_MS in all,
 * LINGER_READ_MS per read and LINGER_BYTES bytes; then the socket closes.
 * A blocked read costs this connection's thread only. */
static void linger_close(struct connection *c) {
  shutdown(c->fd, SHUT_WR);
  struct timeval per_read = {.tv_sec = LINGER_READ_MS / 1000,
                             .tv_usec = (LINGER_READ_MS % 1000) * 1000};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &per_read, sizeof per_read);
  int64_t deadline = now_ms() + LINGER_MS;
  size_t dropped = 0;
  while (dropped < LINGER_BYTES && now_ms() < deadline) {
    ssize_t n = recv(c->fd, c->buf, BUFFER_SIZE, 0);
    if (n < 0 && errno == EINTR && !atomic_load(&stopping))
      continue;
    if (n <= 0)
      break; /* the client closed, a read timed out, or the socket failed */
    dropped += (size_t)n;
  }
  close(c->fd);
}

/* Reads more bytes into the buffer: one blocking recv. Returns 0 on end of
 * input, the idle timeout (SO_RCVTIMEO: the call fails with EAGAIN) or
 * shutdown (main shuts the socket down for reading: recv returns 0). */
static int read_more(struct connection *c) {
  for (;;) {
    ssize_t n = recv(c->fd, c->buf + c->used, BUFFER_SIZE - c->used, 0);
    if (n > 0) {
      c->used += (size_t)n;
      return 1;
    }
    if (n < 0 && errno == EINTR && !atomic_load(&stopping))
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      atomic_fetch_add(&timeouts, 1);
    return 0;
  }
}

/* Reads and drops a request body of n bytes. Returns 0 if the peer left. */
static int skip_body(struct connection *c, size_t n) {
  while (n > 0) {
    if (c->used == 0 && !read_more(c))
      return 0;
    size_t take = c->used < n ? c->used : n;
    memmove(c->buf, c->buf + take, c->used - take);
    c->used -= take;
    n -= take;
  }
  return 1;
}

static void *serve_connection(void *arg) {
  struct connection c = {.fd = (int)(intptr_t)arg};
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* The idle timeout: a read that waits that long fails, and so does a
   * write that makes no progress for that long (a client that stops
   * reading cannot hold its thread forever either). */
  struct timeval idle_timeout = {.tv_sec = opt.idle_timeout_ms / 1000};
  setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &idle_timeout, sizeof idle_timeout);
  setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &idle_timeout, sizeof idle_timeout);
  c.buf = malloc(BUFFER_SIZE);
  connection_opened(&c);

  int keep_alive = c.buf != NULL;
  int answered_early = 0; /* an error answer before the request was read */
  while (keep_alive && !atomic_load(&stopping)) {
    struct http_request req;
    long head = http_parse_request(c.buf, c.used, MAX_HEAD, &req);
    if (head == 0) {
      if (!read_more(&c))
        break;
      continue;
    }
    if (head < 0) {
      send_error(&c, (int)-head, 0);
      answered_early = 1;
      break;
    }
    atomic_fetch_add(&requests, 1);
    if (req.content_length > MAX_BODY) {
      send_error(&c, 413, 0);
      answered_early = 1;
      break;
    }
    keep_alive = respond(&c, &req);  /* req points into buf: answer first */
    memmove(c.buf, c.buf + head, c.used - (size_t)head);
    c.used -= (size_t)head;
    if (keep_alive && req.content_length > 0)
      keep_alive = skip_body(&c, (size_t)req.content_length);
  }

  connection_closed(&c);
  if (c.buf && (answered_early || input_pending(&c)))
    linger_close(&c);
  else
    close(c.fd);
  free(c.buf);
  if (atomic_fetch_sub(&active_connections, 1) == 1 && atomic_load(&stopping)) {
    pthread_mutex_lock(&drain_lock);
    pthread_cond_signal(&drained);
    pthread_mutex_unlock(&drain_lock);
  }
  return NULL;
}

/* ---- writing responses ---------------------------------------------------- */

/* Writes all of iov, continuing after short writes. Returns 0 on failure. */
static int write_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return 0;
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
  return 1;
}

static int send_file_range(int out, int in, size_t size) {
  off_t off = 0;
  while ((size_t)off < size) {
    ssize_t n = sendfile(out, in, &off, size - (size_t)off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return 0;
  }
  return 1;
}

static const char *reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 301: return "Moved Permanently";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 431: return "Request Header Fields Too Large";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  case 505: return "HTTP Version Not Supported";
  default: return "Internal Server Error";
  }
}

/* The current time as an HTTP date, formatted at most once a second per
 * kernel thread. Nothing here blocks, so a user thread cannot be moved to
 * another kernel thread halfway through. */
static void http_date(char out[32]) {
  static __thread time_t last;
  static __thread char text[32];
  time_t now = time(NULL);
  if (now != last) {
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    last = now;
  }
  memcpy(out, text, 32);
}

/* A response head is put together piece by piece (every response makes
 * one, and snprintf's format parsing showed in profiles). */
struct head {
  char text[512];
  size_t len;
  int overflow;
};

static void put(struct head *h, const char *s) {
  size_t n = strlen(s);
  if (h->len + n > sizeof h->text) {
    h->overflow = 1;
    return;
  }
  memcpy(h->text + h->len, s, n);
  h->len += n;
}

static void put_number(struct head *h, size_t v) {
  char digits[24], *d = digits + sizeof digits;
  *--d = '\0';
  do
    *--d = (char)('0' + v % 10);
  while ((v /= 10) > 0);
  put(h, d);
}

/* Writes a status line and headers, then body (body_len bytes from memory,
 * or from the descriptor file_fd when body is null and file_fd >= 0). */
static int send_response(struct connection *c, int status, const char *type,
                         const char *extra_headers, const char *body, size_t body_len,
                         int file_fd, int head_only, int keep_alive) {
  char date[32];
  http_date(date);
  struct head h = {.len = 0};
  put(&h, "HTTP/1.1 ");
  put_number(&h, (size_t)status);
  put(&h, " ");
  put(&h, reason(status));
  put(&h, "\r\nServer: knot\r\nDate: ");
  put(&h, date);
  put(&h, "\r\nContent-Type: ");
  put(&h, type);
  put(&h, "\r\nContent-Length: ");
  put_number(&h, body_len);
  put(&h, "\r\n");
  put(&h, extra_headers);
  if (!keep_alive)
    put(&h, "Connection: close\r\n");
  put(&h, "\r\n");
  if (h.overflow)
    return 0;
  struct iovec iov[2] = {{h.text, h.len}, {(void *)body, body_len}};
  int with_body = !head_only && body != NULL && body_len > 0;
  if (!write_all(c->fd, iov, with_body ? 2 : 1))
    return 0;
  if (!head_only && body == NULL && file_fd >= 0 && body_len > 0)
    return send_file_range(c->fd, file_fd, body_len);
  return 1;
}

static void send_error(struct connection *c, int status, int keep_alive) {
  char body[256];
  int n = snprintf(body, sizeof body,
                   "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
                   "<body><h1>%d %s</h1><p>knot</p></body></html>\n",
                   status, reason(status), status, reason(status));
  const char *extra = status == 405 ? "Allow: GET, HEAD\r\n" : "";
  send_response(c, status, "text/html; charset=utf-8", extra, body, (size_t)n, -1, 0,
                keep_alive);
}

/* ---- requests and paths --------------------------------------------------- */

static int hex_value(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

/* Turns a request-target into a path relative to the root, in out (size
 * cap). Returns 0 when the target is not acceptable (answered with 400):
 *   - percent-escapes are decoded; an escaped NUL or slash is refused, so a
 *     decoded name never holds a NUL and '/' is always a separator;
 *   - "." segments go; ".." removes the segment before it and may not climb
 *     above the root;
 *   - a trailing slash names the directory's index.html.
 * The kernel enforces the root once more when the file is opened, for
 * symlinks (cache.c, RESOLVE_BENEATH). */
static int target_to_path(const char *t, size_t len, char *out, size_t cap) {
  if (len == 0 || t[0] != '/')
    return 0;
  char decoded[1024];
  size_t d = 0;
  for (size_t i = 0; i < len && t[i] != '?' && t[i] != '#'; i++) {
    char ch = t[i];
    if (ch == '%') {
      if (i + 2 >= len || hex_value(t[i + 1]) < 0 || hex_value(t[i + 2]) < 0)
        return 0;
      ch = (char)(hex_value(t[i + 1]) * 16 + hex_value(t[i + 2]));
      i += 2;
      if (ch == '\0' || ch == '/')
        return 0;
    }
    if (d + 1 >= sizeof decoded)
      return 0;
    decoded[d++] = ch;
  }
  decoded[d] = '\0';
  int directory = decoded[d - 1] == '/';

  size_t o = 0;
  char *next;
  for (char *seg = decoded + 1; seg; seg = next) {
    next = strchr(seg, '/');
    if (next)
      *next++ = '\0';
    if (seg[0] == '\0' || strcmp(seg, ".") == 0)
      continue;
    if (strcmp(seg, "..") == 0) {
      if (o == 0)
        return 0;
      while (o > 0 && out[o - 1] != '/')
        o--;
      if (o > 0)
        o--;
      continue;
    }
    size_t n = strlen(seg);
    if (o + 1 + n + 1 > cap)
      return 0;
    if (o > 0)
      out[o++] = '/';
    memcpy(out + o, seg, n);
    o += n;
  }
  if (directory || o == 0) {
    static const char index[] = "index.html";
    if (o + 1 + sizeof index > cap)
      return 0;
    if (o > 0)
      out[o++] = '/';
    memcpy(out + o, index, sizeof index);
    return 1;
  }
  out[o] = '\0';
  return 1;
}

static const char *content_type(const char *path) {
  static const struct { const char *ext, *type; } types[] = {
      {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
      {"css", "text/css"},                  {"js", "text/javascript"},
      {"json", "application/json"},         {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},           {"svg", "image/svg+xml"},
      {"png", "image/png"},                 {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},               {"gif", "image/gif"},
      {"webp", "image/webp"},               {"ico", "image/x-icon"},
      {"pdf", "application/pdf"},           {"wasm", "application/wasm"},
      {"woff2", "font/woff2"},              {"mp4", "video/mp4"},
  };
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash : path, '.');
  if (dot)
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot + 1, types[i].ext) == 0)
        return types[i].type;
  return "application/octet-stream";
}

static int serve_status(struct connection *c, const struct http_request *req, int keep_alive);

/* Answers one parsed request. Returns whether the connection stays open. */
static int respond(struct connection *c, const struct http_request *req) {
  int keep_alive = req->keep_alive;
  if (req->method == HTTP_OTHER) {
    send_error(c, 405, keep_alive);
    return keep_alive;
  }
  if (opt.status && req->target_len == strlen(STATUS_PATH) &&
      memcmp(req->target, STATUS_PATH, req->target_len) == 0)
    return serve_status(c, req, keep_alive);

  char path[1024];
  if (!target_to_path(req->target, req->target_len, path, sizeof path)) {
    send_error(c, 400, 0);
    return 0;
  }
  struct file *f;
  int err = cache_open(path, &f);
  if (err == EISDIR) {
    /* a directory named without its slash: send the client to the slash */
    char location[1100];
    size_t n = req->target_len;
    const char *q = memchr(req->target, '?', n);
    if (q)
      n = (size_t)(q - req->target);
    snprintf(location, sizeof location, "Location: %.*s/\r\n", (int)n, req->target);
    send_response(c, 301, "text/plain", location, "", 0, -1, 0, keep_alive);
    return keep_alive;
  }
  if (err) {
    send_error(c, 404, keep_alive);
    return keep_alive;
  }

  char headers[64] = "Last-Modified: ";
  strcat(strcat(headers, f->last_modified), "\r\n");
  int ok;
  if (req->if_modified_since && req->if_modified_since_len == strlen(f->last_modified) &&
      memcmp(req->if_modified_since, f->last_modified, req->if_modified_since_len) == 0)
    ok = send_response(c, 304, content_type(path), headers, NULL, 0, -1, 1, keep_alive);
  else
    ok = send_response(c, 200, content_type(path), headers, f->data, f->size, f->fd,
                       req->method == HTTP_HEAD, keep_alive);
  cache_close(f);
  return ok && keep_alive;
}

/* ---- /weft-status ----------------------------------------------------------- */

/* The value of a "Name:   value" line of /proc/self/status, or -1. */
static long proc_status(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[256];
  long v = -1;
  size_t n = strlen(name);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, name, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

static int serve_status(struct connection *c, const struct http_request *req, int keep_alive) {
  struct cache_stats cs = cache_stats();
  char *body = malloc(8192);
  if (!body)
    return 0;
  int n = snprintf(
      body, 8192,
      "{\n  \"server\": \"knot\",\n  \"threads\": \"%s\",\n  \"policy\": \"%s\",\n"
      "  \"connections\": {\"active\": %d, \"accepted\": %llu, \"refused\": %llu, "
      "\"limit\": %d, \"idle_timeouts\": %llu},\n"
      "  \"requests\": %llu,\n"
      "  \"cache\": {\"entries\": %zu, \"bytes\": %zu, \"limit\": %zu, \"hits\": %llu, "
      "\"misses\": %llu, \"evictions\": %llu},\n"
      "  \"process\": {\"kernel_threads\": %ld, \"rss_kib\": %ld}",
      THREAD_PACKAGE, opt.policy, atomic_load(&active_connections),
      (unsigned long long)atomic_load(&accepted), (unsigned long long)atomic_load(&refused),
      opt.max_connections, (unsigned long long)atomic_load(&timeouts),
      (unsigned long long)atomic_load(&requests), cs.entries, cs.bytes, cs.limit, cs.hits,
      cs.misses, cs.evictions, proc_status("Threads"), proc_status("VmRSS"));
#ifdef KNOT_WITH_WEFT
  /* the runtime's queues: threads per state, per blocking point, per worker */
  struct weft_stats ws;
  weft_stats(&ws);
  n += snprintf(body + n, 8192 - (size_t)n,
                ",\n  \"runtime\": {\"workers\": %u, \"spawned\": %llu, \"live\": %llu, "
                "\"running\": %llu, \"runnable\": %llu, \"blocked\": %llu, "
                "\"switches\": %llu, \"steals\": %llu, \"stack_arena_bytes\": %llu,\n"
                "    \"blocked_at\": {",
                ws.workers, (unsigned long long)ws.spawned, (unsigned long long)ws.live,
                (unsigned long long)ws.running, (unsigned long long)ws.runnable,
                (unsigned long long)ws.blocked, (unsigned long long)ws.switches,
                (unsigned long long)ws.steals, (unsigned long long)ws.arena_bytes);
  const char *sep = "";
  for (int k = 1; k < WEFT_BLOCK_KINDS; k++) {
    if (ws.blocked_by_kind[k] == 0)
      continue;
    n += snprintf(body + n, 8192 - (size_t)n, "%s\"%s\": %llu", sep,
                  weft_block_kind_name((enum weft_block_kind)k),
                  (unsigned long long)ws.blocked_by_kind[k]);
    sep = ", ";
  }
  n += snprintf(body + n, 8192 - (size_t)n, "},\n    \"run_queue_lengths\": [");
  for (unsigned w = 0; w < ws.workers && w < WEFT_STATS_MAX_WORKERS; w++)
    n += snprintf(body + n, 8192 - (size_t)n, "%s%llu", w ? ", " : "",
                  (unsigned long long)ws.queue_length[w]);
  n += snprintf(body + n, 8192 - (size_t)n, "]}");
#endif
  n += snprintf(body + n, 8192 - (size_t)n, "\n}\n");
  int ok = send_response(c, 200, "application/json", "Cache-Control: no-store\r\n", body,
                         (size_t)n, -1, req->method == HTTP_HEAD, keep_alive);
  free(body);
  return ok && keep_alive;
}
