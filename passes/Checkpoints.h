//===- Checkpoints.h - insert linked-stack checkpoints --------------------===//
//
// The transform that consumes StackBounds' checkpoint placement: it
// compares the stack pointer, less what is needed, with the running
// thread's stack limit (the word at %fs:0x70). Recursion is checked where
// the recursive function is entered; other checkpoints before the call.
// When the rest of the segment is too small, an out-of-line slow path runs
// the call through the runtime,
//
//   __weft_call_on_new_segment(thunk, context, bytes)
//
// which links a new segment, runs `thunk(context)` on it and unlinks it.
// docs/plugin.md ("Linked stacks") has the details.
// The thunk is a small function generated per call site that loads the
// call's operands from the context, makes the call exactly as written
// (calling convention, attributes, byval and sret arguments, varargs), and
// stores the result back. Outside weft threads the limit is 0 and every
// check passes.
//
// An invoke keeps its landing pad: the slow path invokes the runtime with
// the same unwind destination, and C++ exceptions cross the segment
// boundary (the runtime's trampoline carries CFI). Calls that cannot go
// through a thunk are left unchecked: musttail calls, callbr, calls with
// inalloca or preallocated arguments or operand bundles, and calls that
// return twice (setjmp, vfork).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_CHECKPOINTS_H
#define WEFT_PASSES_CHECKPOINTS_H

#include "CodegenFrames.h"

#include "llvm/IR/PassManager.h"

#include "weft/abi.h"

#include <cstdint>
#include <memory>

namespace weft {

inline constexpr const char *CallOnNewSegmentName = "__weft_call_on_new_segment";
/// Registers an object file's table of first-segment needs (weft/weft.h).
inline constexpr const char *StackNeedsRegisterName = "__weft_register_stack_needs";
inline constexpr const char *StackNeedsUnregisterName = "__weft_unregister_stack_needs";
// The numbers below that the runtime must agree with come from weft/abi.h.
/// The stack limit's slot: %fs:0x70 (address space 257 is %fs on x86-64).
inline constexpr uint64_t StackLimitSlot = WEFT_STACK_LIMIT_SLOT;
inline constexpr unsigned StackLimitAddrSpace = 257;
/// Bytes below the limit a check may leave to the runtime's reserve: needs
/// up to this much compare the stack pointer with the limit directly.
inline constexpr uint64_t StackLimitSlack = WEFT_STACK_CHECK_SLACK;
/// Largest frame a function may have to be checked at its entry (the check
/// can run after the prologue; the reserve below the limit holds the frame).
inline constexpr uint64_t MaxEntryFrameBytes = WEFT_STACK_ENTRY_FRAME_MAX;
/// The reserve of a first-segment need that asks for the unwinder's.
inline constexpr uint32_t StackNeedUnwinds = WEFT_STACK_NEED_UNWINDS;
/// What a checkpoint before a call of unknown stack use asks for.
inline constexpr uint64_t LargeSegmentBytes = 256 * 1024;

class DiagnosticSink;
struct DeferredNeeds;

/// Places and inserts the checkpoints. With a CodegenConfig the frames are
/// the backend's own: placement uses those of the module as it comes, and,
/// once instrumented, the module is generated again and every checkpoint's
/// need (and its slow path's segment size) is recomputed on the final
/// frames, so the constants in the code are exact. Those final sizes go to
/// `Final` for the report. Without one, frames are the IR estimate.
class CheckpointsPass : public llvm::PassInfoMixin<CheckpointsPass> {
public:
  CheckpointsPass(uint64_t MaxPath, uint64_t MinChunk,
                  std::shared_ptr<const CodegenConfig> Codegen = nullptr,
                  std::shared_ptr<FrameSizes> Final = nullptr,
                  std::shared_ptr<DiagnosticSink> Sink = nullptr,
                  std::shared_ptr<DeferredNeeds> Deferred = nullptr)
      : MaxPath(MaxPath), MinChunk(MinChunk), Codegen(std::move(Codegen)),
        Final(std::move(Final)), Sink(std::move(Sink)), Deferred(std::move(Deferred)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  uint64_t MaxPath, MinChunk;
  std::shared_ptr<const CodegenConfig> Codegen;
  std::shared_ptr<FrameSizes> Final;
  std::shared_ptr<DiagnosticSink> Sink;
  /// Set: leave the constants that depend on frames to the object the
  /// backend writes (ObjectNeeds.h) instead of measuring a clone again.
  std::shared_ptr<DeferredNeeds> Deferred;
};

} // namespace weft

#endif
