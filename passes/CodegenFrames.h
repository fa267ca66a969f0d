//===- CodegenFrames.h - frame sizes from the backend itself -------------===//
//
// A plugin cannot add a pass to Clang's backend, and final frame sizes
// exist only after register allocation and frame lowering. So, to bound
// frames tightly, weft generates code for a clone of the module with the
// settings the compiler will use (target, CPU and features, relocation and
// code model, optimisation level), asks the backend for the stack-sizes
// section, and reads it back from the in-memory object. The sizes are
// exactly what `llvm-readelf --stack-sizes` shows for the real object: the
// bytes the function moves the stack pointer by, callee-saved registers
// included, return address excluded. A function with dynamic stack objects
// has no entry.
//
// The cost is one more run of the backend per translation unit, paid only
// when bounds are needed (a report, a stack graph, linked stacks); the
// `frames=ir` option falls back to the IR estimate in StackBounds.h.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_CODEGENFRAMES_H
#define WEFT_PASSES_CODEGENFRAMES_H

#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace weft {

class DiagnosticSink;

/// How the compiler will generate code for the module.
struct CodegenConfig {
  std::string CPU;      ///< -target-cpu; functions' own attributes win
  std::string Features; ///< comma-separated, e.g. "+sse2,-avx"
  unsigned OptLevel = 2; ///< 0..3, as -O0..-O3 (-Os/-Oz are 2)
};

/// Frame sizes of a module's final code, kept by the passes at the end of
/// the pipeline so that the backend runs for them once.
struct FrameSizes {
  bool Known = false;
  llvm::StringMap<uint64_t> Sizes;
};

/// Frame sizes by function name. On failure (no target for the triple, the
/// backend cannot emit an object) returns false and sets Error.
/// Reads the stack-sizes sections of an ELF relocatable object: each entry
/// is an address (0 here, with a relocation against the function's symbol
/// or its section) and a ULEB128 size. Frames by function name.
bool readStackSizes(llvm::StringRef Object, llvm::StringMap<uint64_t> &Sizes, std::string &Error);

bool codegenFrameSizes(const llvm::Module &M, const CodegenConfig &Config,
                       llvm::StringMap<uint64_t> &Sizes, std::string &Error);

/// The frame sizes the passes use: measured into `Sizes` when there is a
/// Config and the backend can say, else null (the IR estimate), with a
/// warning through `Sink` that ends in `Fallback` if measuring failed.
const llvm::StringMap<uint64_t> *measureFrames(const llvm::Module &M, const CodegenConfig *Config,
                                               llvm::StringMap<uint64_t> &Sizes,
                                               DiagnosticSink *Sink, const char *Fallback);

} // namespace weft

#endif
