/* An atomic section that can block: write() is reached through audit(). */
#include <unistd.h>
#include <weft/weft.h>

static int balance = 100;

static void audit(int fd) { write(fd, "audit\n", 6); }

int main(void) {
  WEFT_ATOMIC {
    balance -= 10;
    audit(1);
  }
  return balance == 90 ? 0 : 1;
}
