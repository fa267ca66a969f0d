// Call-heavy code for bench/stack-overhead: naive fib and a tree walk whose
// results feed the next iteration, so the optimiser cannot drop calls.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

struct node { struct node *l, *r; long v; };
static struct node *build(int depth, long *next) {
  if (depth == 0) return NULL;
  struct node *n = malloc(sizeof *n);
  n->v = (*next)++;
  n->l = build(depth - 1, next);
  n->r = build(depth - 1, next);
  return n;
}
__attribute__((noinline)) long walk(const struct node *n, long salt) {
  return n ? (n->v ^ salt) + walk(n->l, salt) + walk(n->r, salt + 1) : 0;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 25;
  long next = 0, acc = fib(n);
  struct node *root = build(16, &next);
  for (int i = 0; i < 4; i++)
    acc += walk(root, acc & 0xff);
  printf("%ld\n", acc);
  return 0;
}
