// Call-heavy code where recursion is one call among many, as in most
// programs: a recursive-descent parser and evaluator of arithmetic
// expressions, quicksort, and a hash table whose helpers are separate
// (non-inlined) functions. Results feed the output so nothing is dropped.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

// --- expressions: expr := term (('+'|'-') term)*, term := factor ('*' factor)*,
//     factor := number | '(' expr ')'
struct parser { const char *p; };
static long expr(struct parser *ps);
NOINLINE static long number(struct parser *ps) {
  long v = 0;
  while (*ps->p >= '0' && *ps->p <= '9') v = v * 10 + (*ps->p++ - '0');
  return v;
}
NOINLINE static long factor(struct parser *ps) {
  if (*ps->p == '(') {
    ps->p++;
    long v = expr(ps);
    ps->p++; // ')'
    return v;
  }
  return number(ps);
}
NOINLINE static long term(struct parser *ps) {
  long v = factor(ps);
  while (*ps->p == '*') { ps->p++; v = (v * factor(ps)) % 1000003; }
  return v;
}
NOINLINE static long expr(struct parser *ps) {
  long v = term(ps);
  while (*ps->p == '+' || *ps->p == '-') {
    char op = *ps->p++;
    long t = term(ps);
    v = op == '+' ? v + t : v - t;
  }
  return v;
}
// A random expression nested up to `depth`.
static char *gen(char *out, char *end, unsigned *seed, int depth) {
  int terms = 1 + (*seed = *seed * 1103515245 + 12345) % 4;
  for (int i = 0; i < terms && out < end - 64; i++) {
    if (i) *out++ = "+-*"[(*seed >> 8) % 3];
    *seed = *seed * 1103515245 + 12345;
    if (depth > 0 && (*seed >> 12) % 3 == 0) {
      *out++ = '(';
      out = gen(out, end, seed, depth - 1);
      *out++ = ')';
    } else {
      out += sprintf(out, "%u", (*seed >> 16) % 1000);
    }
  }
  return out;
}

// --- quicksort
NOINLINE static void quicksort(int *a, long lo, long hi) {
  while (lo < hi) {
    int pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}

// --- hash table with small helper functions
struct entry { uint64_t key, value; };
NOINLINE static uint64_t mix(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdull; x ^= x >> 33; return x;
}
NOINLINE static struct entry *slot(struct entry *t, size_t cap, uint64_t key) {
  size_t i = mix(key) & (cap - 1);
  while (t[i].key && t[i].key != key) i = (i + 1) & (cap - 1);
  return &t[i];
}
NOINLINE static void put(struct entry *t, size_t cap, uint64_t key, uint64_t v) {
  struct entry *e = slot(t, cap, key);
  e->key = key;
  e->value += v;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 8; // parses of the expression
  unsigned seed = 42;
  size_t size = 1 << 20;
  char *text = malloc(size);
  char *end = text;
  while (end < text + size - 4096) {
    if (end != text) *end++ = '+';
    end = gen(end, text + size, &seed, 12);
  }
  *end = 0;
  long acc = 0;
  for (int round = 0; round < rounds; round++) {
    struct parser ps = {text};
    acc += expr(&ps);
  }
  int n = 200000;
  int *a = malloc(n * sizeof *a);
  for (int i = 0; i < n; i++) a[i] = (int)(mix((uint64_t)i) % 1000000);
  quicksort(a, 0, n - 1);
  acc += a[n / 2];
  size_t cap = 1 << 16;
  struct entry *t = calloc(cap, sizeof *t);
  for (uint64_t i = 1; i < 400000; i++) put(t, cap, 1 + i % 30000, i);
  acc += (long)slot(t, cap, 777)->value;
  printf("%ld %zu\n", acc, (size_t)(end - text));
  return 0;
}
