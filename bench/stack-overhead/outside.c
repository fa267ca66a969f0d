// The runtime's two symbols as they behave outside a weft thread (limit 0:
// every check passes), so the instrumented program runs under callgrind
// without the runtime and the count shows the checks' own cost.
#include <stddef.h>
#include <stdint.h>
__thread uintptr_t __weft_stack_limit;
void __weft_call_on_new_segment(void (*fn)(void *), void *arg, size_t bytes) {
  (void)bytes;
  fn(arg);
}
