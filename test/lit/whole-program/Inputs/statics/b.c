#include <weft/weft.h>
#include <unistd.h>
static void helper(void) { sleep(1); }
void pause_briefly(void) {
  WEFT_ATOMIC {
    helper();
  }
}
