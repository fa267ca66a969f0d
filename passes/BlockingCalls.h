//===- BlockingCalls.h - the table of blocking libc calls -----------------===//
//
// runtime/blocking_calls.def is the one list of libc functions that may
// block (and of those known not to). The runtime interposes the first
// kind; the blocking graph treats calls to them as blocking points. This
// header gives the passes a lookup over the same table.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_BLOCKINGCALLS_H
#define WEFT_PASSES_BLOCKINGCALLS_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace weft {

enum class LibcClass { Blocking, NonBlocking, Unlisted };

/// Classifies an external symbol by the table. Fortified and versioned
/// spellings (`__read_chk`, `__isoc99_fscanf`) map to their plain name.
LibcClass classifyLibcCall(llvm::StringRef Symbol);
/// The blocking kind ("io", "sleep", ...) of a blocking libc function.
std::optional<llvm::StringRef> blockingKind(llvm::StringRef Symbol);

} // namespace weft

#endif
