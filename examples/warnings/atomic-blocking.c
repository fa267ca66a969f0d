// [weft-atomic] error: an atomic section that can reach a blocking call.
//
// The audit log write two calls down may block, and a blocked thread lets
// others run in the middle of the section: the balance check and the
// withdrawal would no longer be atomic. Fix: move the logging after the
// section (see the commented version below).
#include <weft/weft.h>
#include <stdio.h>
#include <unistd.h>

static int balance = 100;

static void audit(int fd, int amount) {
  char line[64];
  int n = snprintf(line, sizeof line, "withdraw %d\n", amount);
  write(fd, line, (size_t)n);
}

static void record(int fd, int amount) { audit(fd, amount); }

int withdraw(int fd, int amount) {
  int ok = 0;
  WEFT_ATOMIC {
    if (balance >= amount) {
      balance -= amount;
      ok = 1;
      record(fd, amount); // blocks inside the section
    }
  }
  return ok;
}

// The fix:
//   WEFT_ATOMIC { if (balance >= amount) { balance -= amount; ok = 1; } }
//   if (ok) record(fd, amount);
