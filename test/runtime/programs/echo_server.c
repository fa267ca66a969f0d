/* A thread-per-connection echo server written for pthreads and blocking
 * sockets, with its clients (one pthread per connection too) in the same
 * process, all on loopback. Usage: echo_server [connections]. Prints
 * "echo_server: N/N clients ok". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port, nconn;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ok;

static void *serve(void *arg) {
  int c = (int)(long)arg;
  char buf[1024];
  ssize_t n;
  while ((n = read(c, buf, sizeof buf)) > 0) {
    if (write(c, buf, (size_t)n) != n) break;
  }
  close(c);
  return NULL;
}

static void *acceptor(void *arg) {
  int lfd = (int)(long)arg;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&a, 64 * 1024);
  for (int i = 0; i < nconn; i++) {
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
      perror("accept");
      exit(1);
    }
    pthread_t t;
    if (pthread_create(&t, &a, serve, (void *)(long)c) != 0) exit(1);
  }
  return NULL;
}

static void *client(void *arg) {
  (void)arg;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons((unsigned short)port);
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
    perror("connect");
    close(s);
    return NULL;
  }
  int good = 1;
  for (int round = 0; round < 4 && good; round++) {
    char msg[128], back[128];
    int len = snprintf(msg, sizeof msg, "round %d on socket %d: the quick brown fox", round, s);
    if (write(s, msg, (size_t)len) != len) good = 0;
    int got = 0;
    while (good && got < len) {
      ssize_t n = read(s, back + got, (size_t)(len - got));
      if (n <= 0) good = 0; else got += (int)n;
    }
    if (good && memcmp(msg, back, (size_t)len) != 0) good = 0;
    usleep(1000);
  }
  close(s);
  pthread_mutex_lock(&mu);
  ok += good;
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char **argv) {
  nconn = argc > 1 ? atoi(argv[1]) : 5000;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 8192) != 0) {
    perror("bind/listen");
    return 1;
  }
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);
  port = ntohs(sa.sin_port);
  pthread_t acc;
  pthread_create(&acc, NULL, acceptor, (void *)(long)lfd);
  pthread_t *cs = calloc((size_t)nconn, sizeof *cs);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, 64 * 1024);
  for (int i = 0; i < nconn; i++)
    if (pthread_create(&cs[i], &a, client, NULL) != 0) {
      fprintf(stderr, "pthread_create failed at %d\n", i);
      return 1;
    }
  for (int i = 0; i < nconn; i++) pthread_join(cs[i], NULL);
  pthread_join(acc, NULL);
  printf("echo_server: %d/%d clients ok\n", ok, nconn);
  return ok == nconn ? 0 : 1;
}
