//===- Checkpoints.h - insert linked-stack checkpoints --------------------===//
//
// The transform that consumes StackBounds' checkpoint placement: before
// each checkpointed call it compares the stack pointer, less what the call
// needs, with the thread's __weft_stack_limit. When the rest of the segment
// is too small, the call runs through the runtime,
//
//   __weft_call_on_new_segment(thunk, context, bytes)
//
// which links a new segment, runs `thunk(context)` on it and unlinks it.
// The thunk is a small function generated per call site that loads the
// call's operands from the context, makes the call exactly as written
// (calling convention, attributes, byval and sret arguments, varargs), and
// stores the result back. Outside weft threads the limit is 0 and every
// check passes.
//
// An invoke keeps its landing pad: the slow path invokes the runtime with
// the same unwind destination, and C++ exceptions cross the segment
// boundary (the runtime's trampoline carries CFI). Calls that cannot go
// through a thunk are left unchecked: musttail calls, callbr, and calls
// with inalloca or preallocated arguments or operand bundles.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_CHECKPOINTS_H
#define WEFT_PASSES_CHECKPOINTS_H

#include "llvm/IR/PassManager.h"

#include <cstdint>

namespace weft {

inline constexpr const char *CallOnNewSegmentName = "__weft_call_on_new_segment";
/// The stack limit's slot: %fs:0x70 (address space 257 is %fs on x86-64).
inline constexpr uint64_t StackLimitSlot = 0x70;
inline constexpr unsigned StackLimitAddrSpace = 257;
/// What a checkpoint before a call of unknown stack use asks for.
inline constexpr uint64_t LargeSegmentBytes = 256 * 1024;

class CheckpointsPass : public llvm::PassInfoMixin<CheckpointsPass> {
public:
  CheckpointsPass(uint64_t MaxPath, uint64_t MinChunk) : MaxPath(MaxPath), MinChunk(MinChunk) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  uint64_t MaxPath, MinChunk;
};

} // namespace weft

#endif
