//===- SectionLocks.h - the locks that let atomic sections run in parallel ===//
//
// On several workers, two WEFT_ATOMIC sections need to exclude each other
// only if they may conflict: one writes memory the other reads or writes.
// For each section this infers a set of lock ids such that two sections
// that may touch a common abstract location (Locations.h) share an id: the
// id of that location's name, a hash, the same in every unit and library.
// A section's locations are those of every instruction in it (nested
// sections included: they run under the outermost one's locks) and of
// everything its calls reach, across units with the whole program. A
// section whose memory cannot be bounded takes the coarse lock, which
// excludes every other section, and the reason is kept for the report.
//
// Readers are not told from writers: two sections that only read one
// location still exclude each other (reads under a shared lock are a
// possible refinement).
//
// The transform gives each section its description: the call
// `__weft_section_enter(null)` that WEFT_ATOMIC expands to gets a private
// constant `struct weft_section` {file, line, nlocks, locks} (weft/weft.h,
// weft/abi.h), which the runtime reads (runtime/sync/section.c).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_SECTIONLOCKS_H
#define WEFT_PASSES_SECTIONLOCKS_H

#include <cstdint>
#include <string>
#include <vector>

namespace weft {

class AtomicSections;
class BlockingGraph;

struct SectionLocks {
  bool Coarse = false;
  std::string Why;                // for Coarse
  std::vector<std::string> Names; // sorted
  std::vector<uint32_t> Ids;      // ascending, without duplicates
};

/// One entry per section of `Sections`, in their order.
std::vector<SectionLocks> inferSectionLocks(const AtomicSections &Sections,
                                            const BlockingGraph &G);

/// Gives every section whose enter call has no description yet its own.
/// Returns whether the module changed.
bool emitSectionDescriptions(const AtomicSections &Sections,
                             const std::vector<SectionLocks> &Locks);

} // namespace weft

#endif
