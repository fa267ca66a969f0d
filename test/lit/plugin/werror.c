// Findings are ordinary diagnostics: -Werror makes warnings errors, -w hides
// warnings (not errors), and the exit status follows.
// RUN: not %clang_weft -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAIN
// PLAIN: bank.c:15:7: error: call to 'slow_audit' may block inside an atomic section [weft-atomic]
// PLAIN: bank.c:11:3: note: atomic section begins here
// PLAIN: bank.c:7:45: note: 'slow_audit' calls 'write', a blocking call
// PLAIN: bank.c:24:5: warning: call to 'log_line' inside an atomic section
// PLAIN: 1 warning and 1 error generated.
// RUN: not %clang_weft -Werror -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s --check-prefix=WERROR
// WERROR: bank.c:24:5: error: call to 'log_line' inside an atomic section
// WERROR: 2 errors generated.
// RUN: not %clang_weft -w -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET --implicit-check-not=warning: --implicit-check-not=log_line
// QUIET: 1 error generated.
// Without the error, a warning alone does not fail the compile...
// RUN: %clang_weft -DNO_ERROR -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN
// WARN: warning: call to 'ext' inside an atomic section
// ...but it does with -Werror.
// RUN: not %clang_weft -DNO_ERROR -Werror -c %s -o /dev/null
#include <weft/weft.h>
void ext(void);
int x;
void f(void) {
  WEFT_ATOMIC { x++; ext(); }
}
