//===- ConstantSlots.h - edges a walk cannot take, from locals of constants =//
//
// Clang lowers a scope with cleanups by storing a constant into a local
// (the cleanup destination) before it jumps to the shared cleanup code,
// which then switches on it: `return` inside a loop body stores 1 and the
// fall-through stores 0, and one block runs the cleanups for both. A walk
// over the control-flow graph that ignores the stored value finds paths no
// run takes: from the `return`'s store, through the cleanup, to the loop's
// next iteration. A check that asks "can this start run again before its
// join?" then answers yes in every C++ loop with an early return (gtest's
// ASSERT_* are such returns).
//
// A local whose every store is an integer constant and whose address goes
// nowhere else is a constant slot. From a given instruction, the values
// each slot may hold at each block are found by a forward data flow (a
// store sets the value, an edge of a switch or of an equality test on the
// slot narrows it); an edge no value can take is dead for walks from there.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_CONSTANTSLOTS_H
#define WEFT_PASSES_CONSTANTSLOTS_H

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"

#include <utility>

namespace weft {

class ConstantSlots {
public:
  explicit ConstantSlots(const llvm::Function &F);

  /// No slot is tested in the function: no edge is ever dead.
  bool empty() const { return Slots.empty(); }

  using Edge = std::pair<const llvm::BasicBlock *, const llvm::BasicBlock *>;
  /// The edges a walk from just after `From`, which goes no further than
  /// an instruction `Stop` accepts, cannot take.
  llvm::DenseSet<Edge>
  deadEdges(const llvm::Instruction &From,
            llvm::function_ref<bool(const llvm::Instruction &)> Stop) const;

private:
  const llvm::Function &F;
  llvm::SmallVector<const llvm::AllocaInst *, 4> Slots;
};

} // namespace weft

#endif
