//===- BlockingCalls.h - the table of blocking libc calls -----------------===//
//
// runtime/blocking_calls.def is the one list of libc functions that may
// block (and of those known not to). The runtime interposes those the
// table marks; the blocking graph treats calls to any of them as blocking
// points. This header gives the passes a lookup over the same table, and
// the kinds it groups them by (weft/block_kinds.def, which the runtime's
// enum weft_block_kind is made from too).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_BLOCKINGCALLS_H
#define WEFT_PASSES_BLOCKINGCALLS_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace weft {

enum class LibcClass { Blocking, NonBlocking, Unlisted };

/// The kinds of blocking point: weft/block_kinds.def, the runtime's (in the
/// order of enum weft_block_kind) and then those only the table uses.
enum class BlockKind {
#define WEFT_BLOCK_KIND(ID, name) name,
#define WEFT_CALL_KIND(ID, name) name,
#include "weft/block_kinds.def"
};

/// "io", "sleep", ...: the name weft_block_kind_name gives the kind.
llvm::StringRef blockKindName(BlockKind K);

/// Classifies an external symbol by the table. Fortified and versioned
/// spellings (`__read_chk`, `__isoc99_fscanf`) map to their plain name.
LibcClass classifyLibcCall(llvm::StringRef Symbol);
/// The blocking kind ("io", "sleep", ...) of a blocking libc function.
std::optional<llvm::StringRef> blockingKind(llvm::StringRef Symbol);

} // namespace weft

#endif
