//===- Report.h - the JSON report and the Graphviz graphs -----------------===//
//
// report=<dir> writes <dir>/<source file name>.weft.json with the fields
// docs/plugin.md describes (functions, blocking points, sections); graph=<dir>
// writes <dir>/<source file name>.blocking.dot (the blocking graph: per
// function, the blocking points and the edges of code between them) and
// <dir>/<source file name>.calls.dot (the call graph, coloured by state).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_REPORT_H
#define WEFT_PASSES_REPORT_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace llvm {
class Module;
class raw_ostream;
}

namespace weft {

class AtomicSections;
class BlockingGraph;
class LiveState;
class StackBounds;
struct SectionLocks;
struct RaceFinding;

/// The base name used for a module's report and graph files.
std::string reportBaseName(const llvm::Module &M);

/// The report's JSON. Functions get frame and subtree bounds from `Stack`
/// when given (they must come from the final IR), else null. Blocking
/// points get their live and pinned bytes from `Live` when given.
/// `Locks`: each section's inferred locks, if inferred.
llvm::json::Value buildReport(const BlockingGraph &G, const AtomicSections &Sections,
                              const StackBounds *Stack, const LiveState *Live = nullptr,
                              const std::vector<SectionLocks> *Locks = nullptr,
                              const std::vector<RaceFinding> *Races = nullptr);
/// Fills `frame_bytes` and `bound_bytes` of a report built earlier from
/// the stack bounds of the module as it is now (after optimisation).
void addStackBounds(llvm::json::Value &Report, const StackBounds &Stack);

/// Writes `<dir>/<name>` through a temporary file and a rename, so that
/// parallel builds never leave half a file; creates `dir`. Returns an empty
/// string on success, else a message.
std::string writeAtomically(const std::string &Dir, const std::string &Name,
                            llvm::function_ref<void(llvm::raw_ostream &)> Write);

/// Each returns an empty string on success, else a message.
std::string writeReport(const std::string &Dir, const std::string &Base,
                        const llvm::json::Value &Report);
std::string writeGraphs(const std::string &Dir, const BlockingGraph &G);
/// <dir>/<source file name>.stack.dot: the call graph weighted by frame
/// bounds, checkpoints marked (from the final IR).
std::string writeStackGraph(const std::string &Dir, const std::string &Base,
                            const StackBounds &Stack);

} // namespace weft

#endif
