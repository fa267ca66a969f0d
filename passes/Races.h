//===- Races.h - race warnings [weft-race] --------------------------------===//
//
// Two warnings about shared globals (not constant, not thread-local, not
// WEFT_NORACE, not accessed atomically), within one module:
//
// Data race (several workers, the default): two accesses to one global
// from code that may run in parallel, at least one a write, with no lock
// held at both and not both inside atomic sections. Code runs in thread
// entries: `main` and the functions passed to pthread_create and
// weft_spawn, with everything they call. Two accesses may run in parallel
// when they are reached from two different entries, or from one entry
// started more than once (from two places, in a loop, or by a thread that
// is itself started more than once). Code of `main` before its first
// pthread_create, or after its pthread_joins, runs alone (it is assumed to
// join every thread it started). Locks are must-held: pthread mutexes,
// rwlocks (two readers do not protect a writer), spinlocks, weft's
// mutexes and std::mutex's lock() and unlock(), on lock objects named by
// their abstract location (Locations.h); a function called only from this
// module holds what every one of its call sites holds.
//
// Check-then-act (also on one worker): in one function, a global is read,
// then a blocking point (the blocking graph's) can run, then the global is
// written without being read again after the blocking point, and no lock
// is held across. Other threads run while this one is blocked, so what
// was read may be stale when it is acted on.
//
// Both are warnings with the tag [weft-race], with notes for the other
// access, the entries and chains, the locks, and (check-then-act) the read
// and the blocking call. `workers=1` keeps only check-then-act; `no-race`
// turns both off.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_RACES_H
#define WEFT_PASSES_RACES_H

#include "Diagnostics.h"

#include <string>
#include <vector>

namespace weft {

class AtomicSections;
class BlockingGraph;

struct RaceFinding {
  enum Kind { DataRace, CheckThenAct } What;
  std::string Location; // "global:counter"
  SourceLoc At, Other;  // the warning's access; the other access (or the read)
};

/// Reports the races of the module `G` describes; returns what it found.
std::vector<RaceFinding> checkRaces(const BlockingGraph &G, const AtomicSections &Sections,
                                    bool SeveralWorkers, DiagnosticSink &Sink);

} // namespace weft

#endif
