//===- Races.h - race warnings [weft-race] --------------------------------===//
//
// Two warnings about shared memory, within one module: globals (not
// constant, not thread-local, not WEFT_NORACE), the memory a global
// pointer points to, and the locals, heap blocks, thread-local copies and
// pointers a pthread_create or weft_spawn passes to its thread (followed
// through the entry's parameter and the parameters of the functions
// called directly with it), and what a std::thread's callable captures by
// reference or is given by pointer. Loads, stores and calls touch memory (the
// calls by MemoryEffects.h's table: memcpy, read, free, a mutex's init).
// Two atomic accesses do not race; an atomic and a plain one do.
//
// Order: an access followed on every path by a release of a flag (a
// release store or read-modify-write, the end of a C++ static's guarded
// initialisation, a sem_post, a write to a pipe) comes before one that
// every path reaches through a tested acquire of it (an acquire load a
// branch tests, the static's guard test, a sem_wait, a read from the
// pipe's other end). Exit handlers (atexit, on_exit) run after main,
// beside the threads still running; pthread_atfork's handlers run in
// the thread that forks.
//
// Data race (several workers, the default): two accesses to one object
// from code that may run in parallel, at least one a write, with no lock
// held at both and not both inside atomic sections. Code runs in thread
// entries: `main` and the functions passed to pthread_create and
// weft_spawn (every function of the table when the routine is read from
// a global table), with everything they call. Two accesses
// may run in parallel when they are reached from two different entries,
// or from one entry started more than once (from two places, in a loop
// that does not join it before starting it again, or by a thread that is
// itself started more than once), unless each thread of it gets its own
// object (a heap block allocated before each start, a local main passes
// once). Code of `main` runs alone before its first start, and after a
// join of each thread it started (matched by handle; a join in a loop
// over an array of handles is taken to join them all) until it starts
// one again. Locks are must-held: pthread mutexes, rwlocks (two readers
// do not protect a writer), spinlocks, weft's mutexes and rwlocks,
// std::mutex's lock() and unlock(), on lock objects named by their
// abstract location (Locations.h), by the global every caller of a helper
// passes, or inside a thread's argument (the same lock for two accesses
// to that argument's object); a function called only from this module,
// directly or through a table of its own, holds what every one of its
// call sites holds; and a call applies its callee's summary: the locks it
// leaves held at every return (a `my_lock(&m)`) and those it may release.
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

#include <set>
#include <string>
#include <vector>

namespace weft {

class AtomicSections;
class BlockingGraph;

struct RaceFinding {
  enum Kind { DataRace, CheckThenAct, LockHeld } What;
  std::string Location; // "global:counter", "pointee:g", "local:main", "heap:main"
  SourceLoc At, Other;  // the warning's access; the other access (or the read)
};

/// Which of the checks on locksets run.
struct LockChecks {
  bool CheckThenAct = true;
  bool DataRaces = true; // several workers
  /// [weft-lock-held]: a call that waits on the outside world or on another
  /// thread (I/O, sleep, join, a condition variable of another mutex, ...)
  /// while a lock is held; every thread that wants the lock queues behind
  /// the wait (a convoy). Taking a second lock is not reported.
  bool LockHeld = true;
};

struct UnitSummary;

/// Lock names as the race analysis gives them: "global:m" held for
/// writing, "global:m:r" for reading; "arg:<n>" a parameter's.
using LockSet = std::set<std::string>;
/// Whether a lock held at both sets protects two accesses: a common lock,
/// unless both hold it only for reading. A parameter's lock never does; a
/// lock inside a thread's argument only for two accesses to that object.
bool locksProtect(const LockSet &A, const LockSet &B, bool SameThreadArg = false);
/// "with no lock held", "holding 'global:m', 'global:n'".
std::string describeLocks(const LockSet &L);
/// Keeps in `Into` only what `With` holds too (the meet of must-held
/// sets); returns whether `Into` changed.
bool meetLocks(LockSet &Into, const LockSet &With);

/// Adds to `U` (the summary of the module `G` describes) what races across
/// units need: per defined function its accesses to shared globals with the
/// locks held there, the locks held at each call and the global locks its
/// arguments name, which calls and accesses run alone, and its thread
/// starts. WholeProgram.h joins them (programRaces).
void summarizeThreads(const BlockingGraph &G, const AtomicSections &Sections, UnitSummary &U);

/// Reports the races of the module `G` describes, and the locks held
/// across blocking calls; returns what it found.
std::vector<RaceFinding> checkRaces(const BlockingGraph &G, const AtomicSections &Sections,
                                    LockChecks Checks, DiagnosticSink &Sink);

} // namespace weft

#endif
