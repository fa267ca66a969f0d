// report=<dir> writes <dir>/<file>.weft.json.
// RUN: rm -rf %t && not %clang_weft -fplugin-arg-weft-report=%t/reports -c %S/Inputs/bank.c -o /dev/null 2>/dev/null
// RUN: FileCheck %s < %t/reports/bank.c.weft.json
// RUN: python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['version']==1; assert {f['name'] for f in r['functions']}=={'slow_audit','withdraw','deposit','serve'}" %t/reports/bank.c.weft.json
// CHECK: "blocking_points": [
// CHECK: "callee": "write"
// CHECK: "function": "slow_audit"
// CHECK: "kind": "io"
// CHECK: "line": 7
// CHECK: "callee": "read"
// CHECK: "function": "serve"
// CHECK: "line": 30
// CHECK: "file": "{{.*}}bank.c"
// CHECK: "functions": [
// CHECK: "blocking": "blocks"
// CHECK: "may_block": true
// CHECK: "name": "slow_audit"
// CHECK: "sections": [
// CHECK: "function": "withdraw"
// CHECK-NEXT: "line": 11
// CHECK: "function": "deposit"
// CHECK-NEXT: "line": 22
// CHECK: "version": 1
// An unwritable report directory is an error, not a crash.
// RUN: not %clang_weft -fplugin-arg-weft-no-atomic -fplugin-arg-weft-report=/proc/weft-no-such-dir -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNWRITABLE
// UNWRITABLE: error: weft: cannot create directory '/proc/weft-no-such-dir'
