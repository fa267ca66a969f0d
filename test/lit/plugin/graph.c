// graph=<dir> writes the blocking graph and the call graph as Graphviz.
// RUN: rm -rf %t && %clang_weft -fplugin-arg-weft-no-atomic -fplugin-arg-weft-graph=%t -c %S/Inputs/bank.c -o /dev/null
// RUN: FileCheck %s --check-prefix=CALLS < %t/bank.c.calls.dot
// CALLS: digraph "calls: bank.c" {
// CALLS-DAG: "slow_audit" [label="slow_audit\nblocks", color=red];
// CALLS-DAG: "deposit" [label="deposit\nunknown", color=orange];
// CALLS-DAG: "withdraw" -> "slow_audit";
// CALLS-DAG: "log_line" [label="log_line\nunknown", color=orange, style=dashed];
// RUN: FileCheck %s --check-prefix=BG < %t/bank.c.blocking.dot
// BG: digraph "blocking graph: bank.c" {
// BG: label="serve";
// BG-DAG: [[S:f[0-9]+]]_bp0 [shape=box, color=red, label="read\nline 30"];
// BG-DAG: [[S]]_entry -> [[S]]_bp0;
// BG-DAG: [[S]]_bp0 -> [[S]]_bp1;
// BG-DAG: [[S]]_bp1 -> [[S]]_bp0;
// BG-DAG: [[S]]_bp0 -> [[S]]_exit;
// The weighted call graph of the final IR, with checkpoints marked.
// RUN: FileCheck %s --check-prefix=STACK < %t/bank.c.stack.dot
// STACK: digraph "stack: bank.c" {
// STACK-DAG: "withdraw" [label="withdraw\nframe {{[0-9]+}}, path {{[0-9]+}}"];
// STACK-DAG: "serve" -> "read" [color=red, style=bold, label="checkpoint"];
