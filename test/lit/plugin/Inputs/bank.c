#include <weft/weft.h>
#include <unistd.h>

int balance;
void log_line(const char *s);

static int slow_audit(int fd) { return (int)write(fd, "audit\n", 6); }

int withdraw(int fd, int amount) {
  int ok = 0;
  WEFT_ATOMIC {
    if (balance >= amount) {
      balance -= amount;
      ok = 1;
      slow_audit(fd);
    }
  }
  return ok;
}

void deposit(int amount) {
  WEFT_ATOMIC {
    balance += amount;
    log_line("deposit");
  }
}

int serve(int fd) {
  char c;
  while (read(fd, &c, 1) == 1)
    withdraw(fd, c);
  return 0;
}
