// Malformed values are errors that name the argument and say what to write.
// RUN: not %clang_weft -fplugin-arg-weft-max-path=abc -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: error: weft: -fplugin-arg-weft-max-path=abc: expected a size in bytes (e.g. 2048)
// RUN: not %clang_weft -fplugin-arg-weft-min-chunk=12 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMALL
// SMALL: error: weft: -fplugin-arg-weft-min-chunk=12: must be at least 1024
// RUN: not %clang_weft -fplugin-arg-weft-report -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOVALUE
// NOVALUE: error: weft: -fplugin-arg-weft-report: option 'report' needs a value: report=<dir>
// RUN: not %clang_weft -fplugin-arg-weft-no-atomic=1 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: error: weft: -fplugin-arg-weft-no-atomic=1: option 'no-atomic' takes no value
// RUN: not %clang_weft -fplugin-arg-weft-live-state-threshold=4x -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SIZE2
// SIZE2: error: weft: -fplugin-arg-weft-live-state-threshold=4x: expected a size in bytes (e.g. 2048)
// RUN: not %clang_weft -fplugin-arg-weft-frames=exact -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=FRAMES
// FRAMES: error: weft: -fplugin-arg-weft-frames=exact: expected 'codegen' or 'ir'
// RUN: %clang_weft -fplugin-arg-weft-frames=ir -c %s -o /dev/null
// RUN: %clang_weft -fplugin-arg-weft-frames=codegen -c %s -o /dev/null
// Sizes accept k and m suffixes.
// RUN: %clang_weft -fplugin-arg-weft-max-path=4k -fplugin-arg-weft-min-chunk=1m -c %s -o /dev/null
int main(void) { return 0; }
