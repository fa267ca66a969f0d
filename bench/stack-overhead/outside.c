// The runtime's entry point as it behaves outside a weft thread (the limit
// at %fs:0x70 is 0 there: every check passes), so the instrumented program
// runs under callgrind without the runtime and the count shows the checks'
// own cost.
#include <stddef.h>
#include <stdint.h>
void __weft_call_on_new_segment(void (*fn)(void *), void *arg, size_t bytes) {
  (void)bytes;
  fn(arg);
}
