#include <weft/weft.h>
void touch(void);
void visit(void) {
  WEFT_ATOMIC {
    touch();
  }
}
