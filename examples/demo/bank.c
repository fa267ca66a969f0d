// A thread-per-client program in plain pthread style that runs on weft.
//
// 8,000 client threads each wait for a request on their own pipe, then
// update shared accounts inside atomic sections. It compiles cleanly with
// the weft plugin (every section stays on one edge of the blocking graph)
// and, linked with libweft, every pthread is a cheap user thread.
#include <weft/weft.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { CLIENTS = 8000, ACCOUNTS = 16 };

static long accounts[ACCOUNTS];
static long transfers;

struct client {
  int id;
  int request[2]; // pipe: the main thread writes one request, the client reads it
};

static void transfer(int from, int to, long amount) {
  WEFT_ATOMIC {
    if (accounts[from] >= amount) {
      accounts[from] -= amount;
      accounts[to] += amount;
      transfers++;
    }
  }
}

static void *serve(void *arg) {
  struct client *c = arg;
  long amount;
  // A blocking read: on weft it parks only this user thread.
  if (read(c->request[0], &amount, sizeof amount) != sizeof amount)
    return NULL;
  transfer(c->id % ACCOUNTS, (c->id + 1) % ACCOUNTS, amount);
  close(c->request[0]);
  return NULL;
}

int main(void) {
  static struct client clients[CLIENTS];
  static pthread_t threads[CLIENTS];
  for (int i = 0; i < ACCOUNTS; i++)
    accounts[i] = 1000;

  for (int i = 0; i < CLIENTS; i++) {
    clients[i].id = i;
    if (pipe(clients[i].request) != 0 ||
        pthread_create(&threads[i], NULL, serve, &clients[i]) != 0) {
      perror("bank: client");
      return 1;
    }
  }
  printf("bank: %d client threads started, all blocked on their pipes\n", CLIENTS);
  for (int i = 0; i < CLIENTS; i++) {
    long amount = 1 + i % 7;
    if (write(clients[i].request[1], &amount, sizeof amount) != sizeof amount) {
      perror("bank: write");
      return 1;
    }
    close(clients[i].request[1]);
  }
  for (int i = 0; i < CLIENTS; i++)
    pthread_join(threads[i], NULL);

  long total = 0;
  for (int i = 0; i < ACCOUNTS; i++)
    total += accounts[i];
  printf("bank: %ld transfers, total %ld (expected %d)\n", transfers, total, 1000 * ACCOUNTS);
  return total == 1000 * ACCOUNTS ? 0 : 1;
}
