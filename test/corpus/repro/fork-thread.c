/* A daemon's start: fork, and the child (not the parent) starts threads. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *hello(void *arg) {
  puts("child: thread ran");
  return arg;
}

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    pthread_t t;
    int r = pthread_create(&t, NULL, hello, NULL);
    printf("child: pthread_create returned %d\n", r);
    fflush(stdout);
    pthread_join(t, NULL);
    puts("child: joined");
    return 0;
  }
  int status;
  waitpid(pid, &status, 0);
  printf("parent: child exited with status %d\n", WEXITSTATUS(status));
  return 0;
}
