//===- Summary.h - what one translation unit tells the rest of the program ===//
//
// One translation unit sees part of a program. Its summary records what the
// whole-program analyses (passes/WholeProgram.h) need from it, from the IR
// at the start of the pipeline, before any other unit is known:
//
//   - every function it defines, and every external function it calls or
//     whose address it takes: symbol, linkage (a `static` function's key is
//     qualified by its unit, so two units' `static void log(void)` never
//     meet), annotations, how the tables classify a declaration, whether
//     its address is taken and its IR signature (indirect calls resolve to
//     address-taken functions of the same signature, in any unit);
//   - per defined function, its calls (direct by symbol, indirect by
//     signature) with their source locations, the globals it reads and
//     writes directly, and the thread entries it starts (pthread_create,
//     weft_spawn);
//   - its WEFT_ATOMIC sections: where, and their calls.
//
// The format is JSON, versioned by "weft_summary" (SummaryVersion); a
// reader rejects any other version with a message that says to rebuild.
// docs/plugin.md ("Whole program") describes every field.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_SUMMARY_H
#define WEFT_PASSES_SUMMARY_H

#include "Diagnostics.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class FunctionType;
class Module;
} // namespace llvm

namespace weft {

class AtomicSections;
class BlockingGraph;

inline constexpr int64_t SummaryVersion = 1;
/// The file name suffix of a summary in a db=<dir> directory.
inline constexpr const char *SummarySuffix = ".weft-summary.json";

struct CallSummary {
  /// The callee's symbol for a direct call; empty for an indirect one.
  std::string Callee;
  /// The IR type of an indirect call, e.g. "void (ptr)".
  std::string Signature;
  SourceLoc Loc;
  /// Race facts (Races.h, summarizeThreads): the locks held at the call in
  /// its function, the global lock each argument names ("" if none), and
  /// whether the call runs alone (main's, before its first thread start or
  /// after joining them all).
  std::vector<std::string> Locks, ArgLocks;
  bool Alone = false;
  /// The calls of the same function (indexes into its Calls) that run
  /// before this one on every path: they dominate it.
  std::vector<unsigned> After;
  /// A join: the handle it joins (as StartSummary::Handle), if known.
  std::string Joins;
  /// The call does not return (its callee is noreturn, or `unreachable`
  /// follows it: a panic).
  bool NoReturn = false;
  bool indirect() const { return Callee.empty(); }
};

/// An access to a shared global, for races across units.
struct AccessSummary {
  /// "global:<symbol>", with "@<unit>" after a `static` one's symbol.
  std::string Object;
  /// The bytes it touches, when the offset is constant.
  bool Known = false;
  int64_t Offset = 0, Size = 0;
  bool Write = false, Atomic = false;
  bool InSection = false; // inside a WEFT_ATOMIC section
  bool Alone = false;     // no thread can run beside it
  /// Locks held there in its function; "arg:<n>" names a parameter's.
  std::vector<std::string> Locks;
  /// The calls of its function that run before it on every path.
  std::vector<unsigned> After;
  SourceLoc Loc;
};

/// A thread start: the entry's symbol, where, and whether this start runs
/// more than once (in a loop that does not join it first).
struct StartSummary {
  std::string Entry;
  SourceLoc Loc;
  bool Multi = false;
  /// The global the thread's handle is stored in ("global:tid", with
  /// "@<unit>" for a static one), if it is one.
  std::string Handle;
};

/// How runtime/blocking_calls.def and the annotation-free tables classify
/// an external declaration.
enum class DeclClass : uint8_t { Unlisted, Blocking, NonBlocking };
const char *toString(DeclClass C);

struct FunctionSummary {
  std::string Symbol;
  /// Internal linkage: visible to its own unit only.
  bool Local = false;
  bool Defined = false;
  bool AnnotatedBlocking = false;
  bool AnnotatedNonBlocking = false;
  /// Declarations only.
  DeclClass Class = DeclClass::Unlisted;
  bool AddressTaken = false;
  /// Declared noreturn (a panic or exit path).
  bool NoReturn = false;
  std::string Signature;
  SourceLoc Loc;
  /// Defined functions: the frame's bound, the IR estimate of the unit as
  /// the pipeline starts (StackBounds.h, frameBound); none with a dynamic
  /// alloca. Declarations: WEFT_STACK_BOUND or runtime/libc_stack_bounds.def.
  std::optional<uint64_t> FrameBytes;
  std::optional<uint64_t> StackBound;
  /// Defined functions only.
  std::vector<CallSummary> Calls;
  std::vector<std::string> Reads, Writes; // global symbols, direct accesses
  std::vector<std::string> Spawns;        // thread entries started here
  /// Race facts, with the race check on (Races.h, summarizeThreads).
  std::vector<AccessSummary> Accesses;
  std::vector<StartSummary> Starts;
  /// The thread handles it joins (pthread_join of a handle read from a
  /// global), by the same names as StartSummary::Handle.
  std::vector<std::string> Joins;
  /// A lock wrapper: the global locks it leaves held at every return, and
  /// those it may release (the race analysis's lock summary).
  std::vector<std::string> Acquires, Releases;
  /// Defined functions: the abstract locations (Locations.h) it touches
  /// itself, and why they cannot be bounded if they cannot ("" if they can).
  /// Calls add their callees' in the whole program.
  std::vector<std::string> Locations;
  std::string Unbounded;
  /// Declarations: what LLVM knows of their memory ("none", "args", "any").
  std::string Memory = "any";
};

struct SectionSummary {
  std::string Function; // the symbol of the function it is in
  SourceLoc Loc;
  /// Every call in it, nested sections' included (they run under its locks).
  std::vector<CallSummary> Calls;
  /// The locations its own instructions touch, and why they cannot be
  /// bounded ("" if they can); its calls add their callees'.
  std::vector<std::string> Locations;
  std::string Unbounded;
};

struct UnitSummary {
  /// The unit's identity: its main source file, absolute.
  std::string Unit;
  std::vector<FunctionSummary> Functions;
  std::vector<SectionSummary> Sections;
};

/// The signature indirect calls are matched by: the IR function type as
/// text, e.g. "void (ptr)".
std::string signatureOf(const llvm::FunctionType *T);

/// The unit identity of a module: the compile unit's directory joined with
/// its file name when there is debug info, else the source file name.
std::string unitOf(const llvm::Module &M);

/// Summarises the module `G` describes, with its sections.
UnitSummary summarize(const BlockingGraph &G, const AtomicSections &Sections);

llvm::json::Value toJSON(const UnitSummary &U);
/// On failure returns false and sets Error to what is wrong.
bool fromJSON(const llvm::json::Value &V, UnitSummary &U, std::string &Error);

/// `<dir>/<file name>-<hash of the unit>.weft-summary.json`.
std::string summaryFileName(const std::string &Unit);
/// Writes `U` into `Dir` atomically; returns an error message or "".
std::string writeSummary(const std::string &Dir, const UnitSummary &U);
/// Reads every summary in `Dir` except the one of unit `Skip`. Files that
/// cannot be read or parsed are skipped and described in `Problems`.
std::vector<UnitSummary> readSummaries(const std::string &Dir, const std::string &Skip,
                                       std::vector<std::string> &Problems);

} // namespace weft

#endif
