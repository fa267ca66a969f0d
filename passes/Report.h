//===- Report.h - the JSON report and the Graphviz graphs -----------------===//
//
// report=<dir> writes <dir>/<source file name>.weft.json with the fields
// DESIGN.md lists (functions, blocking points, sections); graph=<dir>
// writes <dir>/<source file name>.blocking.dot (the blocking graph: per
// function, the blocking points and the edges of code between them) and
// <dir>/<source file name>.calls.dot (the call graph, coloured by state).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_REPORT_H
#define WEFT_PASSES_REPORT_H

#include <string>

namespace llvm {
class Module;
}

namespace weft {

class AtomicSections;
class BlockingGraph;

/// The base name used for a module's report and graph files.
std::string reportBaseName(const llvm::Module &M);

/// Each returns an empty string on success, else a message.
std::string writeReport(const std::string &Dir, const BlockingGraph &G,
                        const AtomicSections &Sections);
std::string writeGraphs(const std::string &Dir, const BlockingGraph &G);

} // namespace weft

#endif
