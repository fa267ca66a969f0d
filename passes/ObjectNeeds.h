//===- ObjectNeeds.h - checkpoint constants filled into the emitted object -===//
//
// What a linked-stack check asks for depends on the final frames of the
// code it guards, and those exist only once the backend has run. The
// frontend's pipeline can measure them on a clone of the module before the
// real backend runs (CodegenFrames.h), at the price of another run of the
// backend. When Clang writes an ELF object itself, weft does without that
// run: CheckpointsPass leaves every such constant as a reference to an
// absolute symbol, `__weft_need.<n>` (metadata !absolute_symbol gives its
// range, so the backend encodes it as an immediate or a data word with an
// R_X86_64_32, _32S or _64 relocation, in position-independent code too),
// and once the backend has written the object the frontend:
//
//   1. reads the object's own .stack_sizes section (the frames of exactly
//      the code that is emitted),
//   2. asks DeferredNeeds::Resolve for the value of every symbol,
//   3. writes each value where its relocations point, turns those
//      relocations into R_X86_64_NONE against no symbol, and makes the
//      symbol a weak hidden absolute one that nothing refers to.
//
// The object then needs nothing from the linker for them. If the last step
// never ran, the link fails (an undefined hidden symbol): a check can never
// silently ask for nothing. The .stack_sizes section, when the user did not
// ask for one, is marked SHF_EXCLUDE so that links drop it.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_OBJECTNEEDS_H
#define WEFT_PASSES_OBJECTNEEDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <functional>
#include <string>

namespace weft {

/// The prefix of the symbols that stand for constants until the object is
/// patched.
inline constexpr const char *NeedSymbolPrefix = "__weft_need.";

/// Shared by CheckpointsPass, which sets Resolve when it leaves constants to
/// the object, and the frontend, which patches the object.
struct DeferredNeeds {
  /// Given the frames of the emitted object by function name, the value of
  /// every `__weft_need.*` symbol the module refers to; false with Error
  /// set when one cannot be computed.
  std::function<bool(const llvm::StringMap<uint64_t> &Frames, llvm::StringMap<int64_t> &Values,
                     std::string &Error)>
      Resolve;
  /// CheckpointsPass left constants to the object.
  bool pending() const { return static_cast<bool>(Resolve); }
};

/// Reads the frames of Object (an ELF relocatable object with a
/// .stack_sizes section), resolves Needs and patches Object in place as
/// described above. KeepStackSizes: leave .stack_sizes in the link (the
/// user asked for it). False with Error set if the object cannot be
/// patched; Object may then be partly written and must not be used.
bool patchObjectNeeds(llvm::MutableArrayRef<char> Object, const DeferredNeeds &Needs,
                      bool KeepStackSizes, std::string &Error);

} // namespace weft

#endif
