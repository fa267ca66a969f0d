/* A thread-per-connection HTTP server in the style of 2003, written for
 * pthreads and nothing else: an accept thread creates one detached thread
 * per connection; the thread reads requests into an 8 KiB buffer on its
 * own stack with blocking recv and answers each with one blocking send of
 * a small fixed response, until the client closes. No event loop, no
 * weft API: the same source runs on native threads or, linked with
 * libweft, on user threads.
 *
 *     server PORT     prints "port N" (N: the port bound; 0 picks one),
 *                     then serves until killed.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n";

static void *serve(void *arg) {
  int fd = (int)(intptr_t)arg;
  char buf[8192];
  size_t used = 0;
  for (;;) {
    ssize_t n = recv(fd, buf + used, sizeof buf - used, 0);
    if (n <= 0)
      break;
    used += (size_t)n;
    /* One response per complete request head; pipelined heads too. */
    char *end;
    while ((end = memmem(buf, used, "\r\n\r\n", 4)) != NULL) {
      if (send(fd, response, sizeof response - 1, MSG_NOSIGNAL) < 0)
        goto done;
      size_t head = (size_t)(end + 4 - buf);
      memmove(buf, buf + head, used - head);
      used -= head;
    }
    if (used == sizeof buf)
      break; /* a head larger than the buffer */
  }
done:
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 8192) != 0) {
    perror("server: bind/listen");
    return 1;
  }
  socklen_t len = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &len);
  printf("port %d\n", ntohs(a.sin_port));
  fflush(stdout);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
      continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t;
    if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0)
      close(fd);
  }
}
