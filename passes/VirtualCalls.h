//===- VirtualCalls.h - the functions a C++ virtual call may reach --------===//
//
// A call through a pointer reaches, as far as the blocking graph knows,
// every function of the unit whose address is taken and whose IR type
// matches. For a C++ virtual call that is far too many: with opaque
// pointers every `void (ptr)` function matches a virtual destructor, so a
// `delete` of a library object "may" run an unrelated class's destructor,
// and whatever that one does.
//
// Clang can say which class a virtual call is made on: with whole-program
// vtables turned on, it tests the vtable pointer against the class's type
// id (`llvm.type.test` or `llvm.public.type.test`) before each virtual call,
// and tags every vtable with the type ids valid at each of its address
// points (`!type` metadata: the vtables of the class and of every class
// derived from it). The plugin turns both on for its own use when the user
// did not (plugin/FrontendAction.cpp) and removes them once its checks
// have run (stripTypeTests), so that the code generated does not change.
//
// The targets of a virtual call are then the functions at the call's slot
// in the vtables tagged with its class's type id: the overriders of that
// method in the unit, and nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_VIRTUALCALLS_H
#define WEFT_PASSES_VIRTUALCALLS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"

#include <optional>
#include <utility>

namespace weft {

class VirtualCalls {
public:
  explicit VirtualCalls(const llvm::Module &M);

  /// The functions a virtual call may reach, when `CB` is a call through a
  /// vtable slot whose class Clang named; none otherwise (a plain call
  /// through a pointer). Pure virtual slots are left out.
  std::optional<llvm::SmallVector<llvm::Function *, 4>> targets(const llvm::CallBase &CB) const;

private:
  const llvm::Module &M;
  /// Type id -> the vtables tagged with it, and the byte offset of the
  /// address point it is valid at.
  llvm::StringMap<llvm::SmallVector<std::pair<const llvm::GlobalVariable *, uint64_t>, 4>>
      Tagged;
};

/// Removes the type tests (with the assumes that use them) and the vtables'
/// type metadata: what the plugin asked Clang for, for VirtualCalls only.
/// Returns whether anything changed.
bool stripTypeTests(llvm::Module &M);

} // namespace weft

#endif
