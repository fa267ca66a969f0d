// RUN: not %clang_weft -fplugin-arg-weft-bogus -c %s -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: weft: -fplugin-arg-weft-bogus: unknown option 'bogus'; valid options are: help, report=<dir>, graph=<dir>, db=<dir>, live-state-threshold=<bytes>, scratch-threshold=<bytes>, max-path=<bytes>, min-chunk=<bytes>, workers=<n>, race-limit=<n>, no-atomic, no-race, no-live-state, no-lock-held, no-scratch, no-section-locks, no-stack, no-linked-stacks, linked-stacks, frames=<codegen|ir>, stats
int main(void) { return 0; }
