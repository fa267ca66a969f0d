/* Resident set size of this process in KiB (VmRSS of /proc/self/status),
 * for the blocked-thread benchmarks. */
#ifndef WEFT_BENCH_RSS_H
#define WEFT_BENCH_RSS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kib = atol(line + 6);
  fclose(f);
  return kib;
}

#endif
