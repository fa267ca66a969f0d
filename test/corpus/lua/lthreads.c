/* Runs Lua scripts in many pthreads at once, each thread with its own
 * lua_State and a small stack: on libweft every thread is a user thread,
 * and the interpreter (built with linked stacks) grows its stack in
 * segments as the scripts need.
 *
 *   lthreads THREADS STACK_BYTES script.lua...
 *
 * Each thread runs every script in turn (starting at a different one) and
 * the program exits 0 only if every run succeeded. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static int nscripts;
static char **scripts;

struct job {
  int id;
  int failures;
};

static void *run(void *arg) {
  struct job *job = arg;
  for (int k = 0; k < nscripts; k++) {
    const char *path = scripts[(job->id + k) % nscripts];
    lua_State *L = luaL_newstate();
    if (!L) {
      job->failures++;
      continue;
    }
    luaL_openlibs(L);
    /* the scripts print one line each; keep the output to this program's */
    luaL_dostring(L, "print = function() end");
    if (luaL_dofile(L, path) != LUA_OK) {
      fprintf(stderr, "thread %d: %s: %s\n", job->id, path, lua_tostring(L, -1));
      job->failures++;
    }
    lua_close(L);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: lthreads THREADS STACK_BYTES script.lua...\n");
    return 2;
  }
  int n = atoi(argv[1]);
  size_t stack = strtoul(argv[2], NULL, 0);
  nscripts = argc - 3;
  scripts = argv + 3;
  pthread_t *t = calloc(n, sizeof *t);
  struct job *jobs = calloc(n, sizeof *jobs);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (stack && pthread_attr_setstacksize(&attr, stack) != 0) {
    fprintf(stderr, "pthread_attr_setstacksize(%zu) failed\n", stack);
    return 2;
  }
  for (int i = 0; i < n; i++) {
    jobs[i].id = i;
    if (pthread_create(&t[i], &attr, run, &jobs[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 2;
    }
  }
  int failures = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(t[i], NULL);
    failures += jobs[i].failures;
  }
  printf("lthreads: %d threads x %d scripts, %d failed\n", n, nscripts, failures);
  return failures != 0;
}
