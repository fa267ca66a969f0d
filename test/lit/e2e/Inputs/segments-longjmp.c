// longjmp and siglongjmp out of a call 10,000 frames and some 170 linked
// segments deep, back to a frame on the thread's first segment, 100,000
// times (about 27 us each on an idle machine, ten times that on a loaded
// one; a count, not a duration, so the outcome does not depend on the
// machine's speed): the segments the jumps leave behind must be reused, so
// neither the resident set nor the number of mappings grows after the first
// 1,000 jumps (a leak of a segment per jump would add 400 MiB), and the
// stack limit names the first segment again after each jump (libweft's
// longjmp and siglongjmp see to that, see sched/segment_call.c).
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/weft.h"
#include "segments-common.h"

enum { LEVELS = 10000 };

// setjmp returns twice, so it must run on the caller's own stack, never on a
// segment a checkpoint links for it: the plugin leaves calls to functions
// that return twice unchecked.

static jmp_buf jb;
static sigjmp_buf sjb;

// At least 256 bytes of frame per level, so 10,000 levels take about 2.5
// MiB of stack: some 170 linked segments.
static long dive(long n, volatile char *prev, int sig) {
  volatile char buf[256];
  buf[0] = prev ? prev[1] : 0;
  buf[1] = buf[5] = buf[255] = (char)(n & 0x7f);
  if (n == 0) {
    if (sig)
      siglongjmp(sjb, 1);
    longjmp(jb, 1);
  }
  return dive(n - 1, buf, sig) + buf[5];
}

static long vm_rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0)
      kib = atol(line + 6);
  if (f)
    fclose(f);
  return kib;
}

static long mappings(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  long n = 0;
  int c;
  while (f && (c = fgetc(f)) != EOF)
    n += c == '\n';
  if (f)
    fclose(f);
  return n;
}

static void *jumper(void *arg) {
  long max_rounds = *(long *)arg;
  uintptr_t base_limit = weft_stack_limit();
  long rss0 = 0, maps0 = 0, rounds = 0, bad_limit = 0, max_rss = 0, max_maps = 0;
  double t0 = now_s();
  for (volatile long i = 0; i < max_rounds; i++) {
    int sig = i & 1;
    if (sig ? sigsetjmp(sjb, 1) == 0 : _setjmp(jb) == 0) {
      dive(LEVELS, NULL, sig);
      puts("dive returned");
      return NULL;
    }
    if (weft_stack_limit() != base_limit)
      bad_limit++;
    rounds = i + 1;
    if (rounds == 1000) {
      rss0 = vm_rss_kib();
      maps0 = mappings();
    }
    if (rounds > 1000 && rounds % 1000 == 0) {
      long r = vm_rss_kib(), m = mappings();
      if (r > max_rss)
        max_rss = r;
      if (m > max_maps)
        max_maps = m;
    }
  }
  double t = now_s() - t0;
  printf("jumps: %ld (half longjmp, half siglongjmp) from %d levels in %.1f s, %.1f us each\n",
         rounds, LEVELS, t, t * 1e6 / rounds);
  printf("all %ld jumps: %s\n", max_rounds, rounds == max_rounds ? "yes" : "no");
  printf("limit wrong after %ld jumps\n", bad_limit);
  printf("VmRSS at jump 1000: %ld KiB, at most %ld KiB after: growth %ld KiB (%s)\n", rss0,
         max_rss, max_rss - rss0, max_rss - rss0 <= 256 ? "flat" : "GROWS");
  printf("mappings at jump 1000: %ld, at most %ld after: growth %ld\n", maps0, max_maps,
         max_maps - maps0);
  fflush(stdout);
  return NULL;
}

int main(int argc, char **argv) {
  long max_rounds = argc > 1 ? atol(argv[1]) : 100000;
  pthread_t t;
  if (pthread_create(&t, NULL, jumper, &max_rounds) != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}
