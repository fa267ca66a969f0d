//===- WholeProgram.h - the blocking answers of a whole program -----------===//
//
// Joins the summaries of a program's units (passes/Summary.h) into one call
// graph and answers, for every function, whether it may block, with the
// same three answers, origins and shortest-chain witnesses as the blocking
// graph of one module (passes/BlockingGraph.h), over every unit:
//
//   - a call to an external symbol resolves to its definition in whichever
//     unit has one (the first, for the inline and template functions C++
//     defines in many units); only a symbol no unit defines is a leaf,
//     classified by the tables and annotations as in one module;
//   - `static` functions are keys of their own unit: a call resolves to
//     the caller's unit's one;
//   - an indirect call resolves to the address-taken functions of its IR
//     signature in every unit (function pointer tables filled in another
//     file, C++ overrides whose vtables another file defines).
//
// The blocking graph of one module asks this for the external functions it
// declares (Origin::Program) and for indirect calls' targets in other units,
// and prints the chains it returns as notes in the other files.
//
// A ProgramLink is how a compilation reaches the rest of its program: the
// summary directory of db=<dir>, or the in-memory program of weft-check.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_WHOLEPROGRAM_H
#define WEFT_PASSES_WHOLEPROGRAM_H

#include "BlockingGraph.h"
#include "Diagnostics.h"
#include "Locations.h"
#include "Summary.h"

#include "llvm/ADT/StringMap.h"

#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

namespace weft {

struct ProgramFunction;

struct ProgramCall {
  SourceLoc Loc;
  bool Indirect = false;
  std::vector<const ProgramFunction *> Callees; // candidates if indirect
};

struct ProgramFunction {
  std::string Symbol;
  unsigned Unit = 0; // the unit that defines it (or first declares it)
  const FunctionSummary *Summary = nullptr;
  std::vector<ProgramCall> Calls;
  Blocking State = Blocking::No;
  /// Table, Annotated, External, Body; Unresolved never (an indirect call
  /// with no target is a Body state whose witness has no callee).
  Origin Why = Origin::None;
  int Witness = -1; // index into Calls, for Origin::Body
  const ProgramFunction *WitnessCallee = nullptr;
  unsigned Distance = 0;
  /// Defined functions: the frame and everything it calls, across units
  /// (indirect calls by their candidates); none with recursion or a callee
  /// without a bound, and then `Unbounded` says why. Declarations: their
  /// WEFT_STACK_BOUND or table bound.
  std::optional<uint64_t> BoundBytes;
  std::string Unbounded;
};

/// One step of a chain: in `Caller`, the call at `Loc` calls `Callee`
/// (null: an indirect call with no known target).
struct ProgramStep {
  const ProgramFunction *Caller = nullptr;
  const ProgramFunction *Callee = nullptr;
  SourceLoc Loc;
};

/// A data race between two units' code (ProgramRaces.cpp): accesses to
/// one shared global from code that may run in parallel, one a write, with
/// no lock held at both, which no single unit could see (the two accesses,
/// or the thread starts that reach them, are in different units).
struct ProgramRace {
  const ProgramFunction *AtFunction = nullptr, *OtherFunction = nullptr;
  const AccessSummary *At = nullptr, *Other = nullptr; // At: a write
  /// The thread entries each runs in, and where they are started (no
  /// location for main).
  const ProgramFunction *AtEntry = nullptr, *OtherEntry = nullptr;
  bool AtMulti = false, OtherMulti = false; // the entry runs more than once
  SourceLoc AtStart, OtherStart;
  std::vector<std::string> AtLocks, OtherLocks; // held there, calls included
  std::vector<ProgramStep> AtChain, OtherChain; // from the entry down
  /// Its place among the races of the same two entries (in the order of
  /// the globals' names), and how many those are: a report shows the first
  /// few of each pair (race-limit).
  unsigned PairIndex = 0, PairCount = 1;
};

class WholeProgram {
public:
  explicit WholeProgram(std::vector<UnitSummary> Units);

  /// The definition of the external symbol `Symbol` in any unit, or null.
  const ProgramFunction *definition(llvm::StringRef Symbol) const;
  /// The address-taken function of IR signature `Signature` defined outside
  /// unit `Unit` with the worst answer (shortest chain among equals), or null.
  const ProgramFunction *worstTarget(llvm::StringRef Signature, llvm::StringRef Unit) const;
  /// Every address-taken function of IR signature `Signature` defined
  /// outside unit `Unit`.
  std::vector<const ProgramFunction *> targets(llvm::StringRef Signature,
                                               llvm::StringRef Unit) const;
  /// The abstract locations F and everything it calls may touch, across
  /// units (computed when first asked, for everything F reaches).
  const LocationSet &locationsOf(const ProgramFunction &F) const;
  /// What section `Section` of unit `Unit` may touch, its calls included.
  LocationSet sectionLocations(unsigned Unit, const SectionSummary &Section) const;
  /// The chain from F's witness down to the reason it blocks (or is unknown).
  std::vector<ProgramStep> chainBelow(const ProgramFunction &F) const;

  /// The data races across units, computed when first asked
  /// (ProgramRaces.cpp).
  const std::vector<ProgramRace> &races() const;

  const std::vector<UnitSummary> &units() const { return Units; }
  const std::vector<std::unique_ptr<ProgramFunction>> &functions() const { return Nodes; }
  const std::string &unitName(const ProgramFunction &F) const { return Units[F.Unit].Unit; }

private:
  void computeBounds();

  std::vector<UnitSummary> Units;
  std::vector<std::unique_ptr<ProgramFunction>> Nodes;
  /// Per unit, what each symbol it mentions resolves to.
  std::vector<llvm::StringMap<ProgramFunction *>> Scope;
  llvm::StringMap<ProgramFunction *> Definitions; // external symbols
  llvm::StringMap<std::vector<ProgramFunction *>> BySignature; // address taken
  /// A std::map: references to its sets stay valid as it grows.
  mutable std::map<const ProgramFunction *, LocationSet> Locations;
  mutable std::mutex LocationsLock; // weft-check's units ask from several threads
  mutable std::once_flag RacesOnce;
  mutable std::vector<ProgramRace> RaceList;
};

struct RaceFinding;
/// Reports `R` as a [weft-race] warning at its write, with notes for the
/// other access and the entries (ProgramRaces.cpp); when `R` is the last of
/// its pair of entries that `Limit` lets through, a note says how many
/// more there are. Returns null (reports nothing) past the limit; 0: none.
std::optional<RaceFinding> reportProgramRace(const WholeProgram &P, const ProgramRace &R,
                                             unsigned Limit, DiagnosticSink &Sink);

/// How one compilation reaches the rest of its program.
class ProgramLink {
public:
  virtual ~ProgramLink();
  /// Called once per unit, with the unit's own summary, before its checks
  /// run. Returns the program to check the unit against, or null to check
  /// it alone. Problems (unreadable summaries, ...) go to `Sink`.
  virtual std::shared_ptr<const WholeProgram> join(UnitSummary Own, DiagnosticSink &Sink) = 0;
};

/// db=<dir>: reads every other unit's summary from `Dir`, writes this one's.
std::shared_ptr<ProgramLink> summaryDirectory(std::string Dir);

/// A program that embeds weft's frontend (weft-check) sets the link every
/// compilation without db=<dir> uses; null: none.
void setHostProgramLink(std::shared_ptr<ProgramLink> Link);
std::shared_ptr<ProgramLink> hostProgramLink();

} // namespace weft

#endif
