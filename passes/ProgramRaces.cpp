//===- ProgramRaces.cpp - data races across translation units -------------===//
//
// The race check of one module (Races.cpp) sees the thread starts and the
// accesses of its own unit only. With the whole program (weft-check, or
// db=<dir>), the summaries carry what it needs across units
// (summarizeThreads): each function's accesses to shared globals with the
// locks held there, the locks held at each call and the global locks its
// arguments name, what runs alone, and the thread starts. Here:
//
//   - the thread entries are `main` and every function a start names, in
//     any unit; an entry runs more than once when a start of it does (a
//     loop without a join), when it has two starts, or when what starts it
//     runs more than once or in two entries;
//   - from each entry, the functions it reaches across units (indirect
//     calls: the functions whose address the caller's own unit takes, as
//     one unit's check does; not into functions
//     declared noreturn, panic paths), each with the
//     locks held on every way in (the held locks of the call sites on the
//     way, intersected; main's calls made while it runs alone lead nowhere);
//   - an access is held under its own locks plus those, a parameter's lock
//     resolved when every call into the function passes the same global
//     lock, and the locks of other units' wrappers (a `my_lock()` another
//     file defines) called before it on every path, in order;
//   - two accesses to overlapping bytes of one global, one a write, not
//     both atomic and not both in atomic sections, from two entries or one
//     that runs more than once, with no lock in common (two readers of an
//     rwlock do not protect a writer), race; unless every thread of one
//     entry was joined before the other access's function was reached: its
//     starts keep their handles in globals that a call which runs before,
//     on every way there, joins (itself or through its direct calls).
//
// Only the races one unit cannot see are kept: those whose two accesses,
// and the starts of the entries they run in, are not all in one unit; each
// unit's own check reports the rest. One race per global, and by default
// the first five (by the globals' names) of each pair of entries
// (race-limit): a thread started many times that reaches much of a
// program through code it only runs under a protocol a lockset cannot
// see (a flag, an atomic counter) would otherwise bury the rest.
//
//===----------------------------------------------------------------------===//
#include "WholeProgram.h"

#include "Races.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#define DEBUG_TYPE "weft-program-races"

using namespace llvm;

ALWAYS_ENABLED_STATISTIC(NumProgramRaces, "Data races across units");

namespace weft {

namespace {

constexpr StringLiteral ArgLock = "arg:";

struct ProgramEntry {
  const ProgramFunction *F = nullptr;
  std::vector<std::pair<const ProgramFunction *, const StartSummary *>> Starts;
  bool Multi = false;
};

/// What one entry reaches: per function, the locks held on every way in,
/// and the calls that lead there (for parameters' locks).
struct Reach {
  std::map<const ProgramFunction *, LockSet> Held;
  std::map<const ProgramFunction *, std::vector<const CallSummary *>> Into;
  /// The call that first reached each function, and its caller.
  std::map<const ProgramFunction *, std::pair<const ProgramFunction *, const CallSummary *>> Via;
  /// The thread handles joined on every way in (by calls that run before
  /// the one that leads there).
  std::map<const ProgramFunction *, LockSet> Joined;
};

using JoinMap = std::map<const ProgramFunction *, LockSet>;

/// What the calls that run before a call or an access of F (`After`, on
/// every path) do for it: the thread handles they join (in F itself, or
/// through a callee's joins, JoinsOf), and the locks of lock wrappers
/// another unit defines, which F's own unit could not see into (in order:
/// one that acquires a lock adds it, one that releases it takes it away).
void callsBefore(const ProgramFunction *F, const std::vector<unsigned> &After,
                 const JoinMap &JoinsOf, LockSet &Held, LockSet &Joined) {
  const std::vector<CallSummary> &Calls = F->Summary->Calls;
  std::vector<unsigned> Order(After.begin(), After.end());
  std::sort(Order.begin(), Order.end());
  for (unsigned D : Order) {
    if (D >= F->Calls.size() || D >= Calls.size())
      continue;
    if (!Calls[D].Joins.empty())
      Joined.insert(Calls[D].Joins); // a join in F itself
    for (const ProgramFunction *W : F->Calls[D].Callees) {
      if (auto J = JoinsOf.find(W); J != JoinsOf.end())
        Joined.insert(J->second.begin(), J->second.end());
      if (F->Calls[D].Indirect || !W->Summary->Defined || W->Unit == F->Unit)
        continue; // F's unit saw its own wrappers
      for (const std::string &L : W->Summary->Releases) {
        Held.erase(L);
        Held.erase(L + ":r");
      }
      Held.insert(W->Summary->Acquires.begin(), W->Summary->Acquires.end());
    }
  }
}

LockSet withoutArgs(const std::vector<std::string> &L) {
  LockSet S;
  for (const std::string &N : L)
    if (!StringRef(N).starts_with(ArgLock))
      S.insert(N);
  return S;
}

Reach reach(const ProgramEntry &E, const std::set<const ProgramFunction *> &EntryFunctions,
            const JoinMap &JoinsOf) {
  Reach R;
  std::vector<const ProgramFunction *> Work{E.F};
  R.Held[E.F] = {};
  R.Joined[E.F] = {};
  bool IsMain = E.Starts.empty();
  while (!Work.empty()) {
    const ProgramFunction *F = Work.back();
    Work.pop_back();
    const LockSet In = R.Held[F];
    const std::vector<CallSummary> &Calls = F->Summary->Calls;
    for (size_t I = 0; I < F->Calls.size() && I < Calls.size(); ++I) {
      const CallSummary &C = Calls[I];
      if (IsMain && F == E.F && C.Alone)
        continue; // main alone: nothing it calls runs beside a thread
      if (C.NoReturn)
        continue; // a panic path (see below)
      LockSet Held = In;
      LockSet Own = withoutArgs(C.Locks);
      Held.insert(Own.begin(), Own.end());
      LockSet Joined = R.Joined[F];
      callsBefore(F, C.After, JoinsOf, Held, Joined);
      for (const ProgramFunction *Callee : F->Calls[I].Callees) {
        // What a panic path touches on its way to abort is not worth a
        // race warning, and a crash report reaches most of a program.
        if (!Callee->Summary->Defined || Callee->Summary->NoReturn)
          continue;
        // A thread entry is started, not called through a pointer. An
        // indirect call is followed to its own unit's candidates only: by
        // signature alone, a `void (*)(void *)` in one file would reach
        // every such function of the program (a command table's, say).
        // Candidates: address taken in the caller's unit.
        if (F->Calls[I].Indirect && (EntryFunctions.count(Callee) || Callee->Unit != F->Unit ||
                                     !Callee->Summary->AddressTaken))
          continue;
        R.Into[Callee].push_back(&C);
        auto [It, New] = R.Held.try_emplace(Callee, Held);
        if (New) {
          R.Via[Callee] = {F, &C};
          R.Joined[Callee] = Joined;
          Work.push_back(Callee);
          continue;
        }
        bool HeldChanged = meetLocks(It->second, Held);
        if (meetLocks(R.Joined[Callee], Joined) || HeldChanged)
          Work.push_back(Callee);
      }
    }
  }
  return R;
}

/// The locks held at access A of F when reached as `R` says, and into
/// `Joined` the thread handles joined before it.
LockSet locksAt(const Reach &R, const ProgramFunction *F, const AccessSummary &A,
                const JoinMap &JoinsOf, LockSet &Joined) {
  LockSet Held = R.Held.at(F);
  Joined = R.Joined.at(F);
  callsBefore(F, A.After, JoinsOf, Held, Joined);
  for (const std::string &L : A.Locks) {
    if (!StringRef(L).starts_with(ArgLock)) {
      Held.insert(L);
      continue;
    }
    // A parameter's lock: the global lock every call into F passes.
    unsigned N = 0;
    if (StringRef(L).drop_front(ArgLock.size()).getAsInteger(10, N))
      continue;
    auto It = R.Into.find(F);
    if (It == R.Into.end() || It->second.empty())
      continue;
    std::string Common;
    bool Agree = true;
    for (const CallSummary *C : It->second) {
      std::string Passed = N < C->ArgLocks.size() ? C->ArgLocks[N] : "";
      if (Passed.empty() || (!Common.empty() && Passed != Common))
        Agree = false;
      Common = Passed;
    }
    if (Agree && !Common.empty())
      Held.insert(Common);
  }
  return Held;
}

bool overlaps(const AccessSummary &A, const AccessSummary &B) {
  return A.Object == B.Object && (!A.Known || !B.Known ||
                                  (A.Offset < B.Offset + B.Size && B.Offset < A.Offset + A.Size));
}

struct Reached {
  size_t Entry;
  const ProgramFunction *F;
  const AccessSummary *A;
  LockSet Locks;
  LockSet Joined; // handles joined before it, on every way there
};

/// The calls from the entry down to F, outermost first.
std::vector<ProgramStep> chainTo(const Reach &R, const ProgramFunction *Entry,
                                 const ProgramFunction *F) {
  std::vector<ProgramStep> Chain;
  for (const ProgramFunction *At = F; At != Entry && Chain.size() < 64;) {
    auto It = R.Via.find(At);
    if (It == R.Via.end())
      break;
    Chain.push_back({It->second.first, At, It->second.second->Loc});
    At = It->second.first;
  }
  std::reverse(Chain.begin(), Chain.end());
  return Chain;
}

} // namespace

const std::vector<ProgramRace> &WholeProgram::races() const {
  std::call_once(RacesOnce, [this] {
    // Entries: main, and what every start names (resolved in its unit).
    std::map<const ProgramFunction *, ProgramEntry> ByFunction;
    std::vector<const ProgramFunction *> Order;
    if (const ProgramFunction *Main = definition("main"); Main && Main->Summary->Defined) {
      ByFunction[Main].F = Main;
      Order.push_back(Main);
    }
    for (const auto &N : Nodes) {
      if (!N->Summary->Defined)
        continue;
      for (const StartSummary &S : N->Summary->Starts) {
        auto It = Scope[N->Unit].find(S.Entry);
        const ProgramFunction *E = It != Scope[N->Unit].end() ? It->second : definition(S.Entry);
        if (!E || !E->Summary->Defined)
          continue;
        ProgramEntry &PE = ByFunction[E];
        if (!PE.F) {
          PE.F = E;
          Order.push_back(E);
        }
        PE.Starts.push_back({N.get(), &S});
        PE.Multi |= S.Multi;
      }
    }
    std::vector<ProgramEntry> Entries;
    for (const ProgramFunction *F : Order) {
      ProgramEntry E = ByFunction[F];
      E.Multi |= E.Starts.size() > 1;
      Entries.push_back(std::move(E));
    }
    std::set<const ProgramFunction *> EntryFunctions;
    for (const ProgramEntry &E : Entries)
      EntryFunctions.insert(E.F);
    // What each function may join, itself or through its direct calls.
    JoinMap JoinsOf;
    for (const auto &N : Nodes)
      if (N->Summary->Defined && !N->Summary->Joins.empty())
        JoinsOf[N.get()].insert(N->Summary->Joins.begin(), N->Summary->Joins.end());
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (const auto &N : Nodes)
        for (const ProgramCall &C : N->Calls)
          if (!C.Indirect)
            for (const ProgramFunction *Callee : C.Callees)
              if (auto J = JoinsOf.find(Callee); J != JoinsOf.end() && Callee != N.get()) {
                LockSet &Mine = JoinsOf[N.get()];
                size_t Before = Mine.size();
                Mine.insert(J->second.begin(), J->second.end());
                Changed |= Mine.size() != Before;
              }
    }
    std::vector<Reach> Reaches;
    for (const ProgramEntry &E : Entries)
      Reaches.push_back(reach(E, EntryFunctions, JoinsOf));
    // An entry started from code that runs more than once, or in two
    // entries, runs more than once.
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (ProgramEntry &E : Entries) {
        if (E.Multi || E.Starts.empty())
          continue;
        unsigned Runs = 0;
        for (size_t I = 0; I < Entries.size(); ++I)
          for (const auto &[Starter, S] : E.Starts)
            if (Reaches[I].Held.count(Starter))
              Runs += 1 + Entries[I].Multi;
        if (Runs > 1) {
          E.Multi = true;
          Changed = true;
        }
      }
    }
    // Every access each entry reaches, by object.
    std::map<std::string, std::vector<Reached>> ByObject;
    for (size_t I = 0; I < Entries.size(); ++I)
      for (const auto &[F, Held] : Reaches[I].Held)
        for (const AccessSummary &A : F->Summary->Accesses)
          if (!A.Alone) {
            LockSet Joined;
            LockSet Locks = locksAt(Reaches[I], F, A, JoinsOf, Joined);
            ByObject[A.Object].push_back({I, F, &A, std::move(Locks), std::move(Joined)});
          }
    // The units an access depends on: its own, and its entry's starts'.
    auto UnitsOf = [&](const Reached &X, std::set<unsigned> &Out) {
      Out.insert(X.F->Unit);
      for (const auto &[Starter, S] : Entries[X.Entry].Starts)
        Out.insert(Starter->Unit);
      if (Entries[X.Entry].Starts.empty())
        Out.insert(Entries[X.Entry].F->Unit);
    };
    // Whether every thread of Y's entry was joined before X's function was
    // reached (each start stores its handle in a global some earlier call
    // joins).
    auto joinedBefore = [&](const Reached &X, const Reached &Y) {
      const ProgramEntry &EY = Entries[Y.Entry];
      if (EY.Starts.empty() || X.Entry == Y.Entry)
        return false;
      for (const auto &[Starter, S] : EY.Starts)
        if (S->Handle.empty() || !X.Joined.count(S->Handle))
          return false;
      return true;
    };
    // One race per global, as one unit's check reports: two writes when
    // there are, else a write and a read.
    for (auto &[Object, List] : ByObject) {
      bool Found = false;
      for (bool BothWrites : {true, false}) {
        for (size_t I = 0; I < List.size() && !Found; ++I)
          for (size_t J = I; J < List.size() && !Found; ++J) {
            const Reached &X = List[I], &Y = List[J];
            const AccessSummary &A = *X.A, &B = *Y.A;
            if (BothWrites ? !(A.Write && B.Write) : !(A.Write || B.Write))
              continue;
            if ((A.Atomic && B.Atomic) || (A.InSection && B.InSection) || !overlaps(A, B))
              continue;
            if (X.Entry == Y.Entry && !Entries[X.Entry].Multi)
              continue;
            if (locksProtect(X.Locks, Y.Locks))
              continue;
            if (joinedBefore(X, Y) || joinedBefore(Y, X))
              continue;
            std::set<unsigned> Units;
            UnitsOf(X, Units);
            UnitsOf(Y, Units);
            if (Units.size() < 2)
              continue; // the unit's own check sees it
            // Reported at a write; of two, at the first in unit order.
            bool Swap = !A.Write || (B.Write && (Y.F->Unit < X.F->Unit ||
                                                 (Y.F->Unit == X.F->Unit &&
                                                  B.Loc.Line < A.Loc.Line)));
            const Reached &P = Swap ? Y : X, &Q = Swap ? X : Y;
            ProgramRace R;
            R.AtFunction = P.F;
            R.OtherFunction = Q.F;
            R.At = P.A;
            R.Other = Q.A;
            R.AtEntry = Entries[P.Entry].F;
            R.OtherEntry = Entries[Q.Entry].F;
            R.AtMulti = Entries[P.Entry].Multi;
            R.OtherMulti = Entries[Q.Entry].Multi;
            if (!Entries[P.Entry].Starts.empty())
              R.AtStart = Entries[P.Entry].Starts.front().second->Loc;
            if (!Entries[Q.Entry].Starts.empty())
              R.OtherStart = Entries[Q.Entry].Starts.front().second->Loc;
            R.AtChain = chainTo(Reaches[P.Entry], R.AtEntry, P.F);
            R.OtherChain = chainTo(Reaches[Q.Entry], R.OtherEntry, Q.F);
            R.AtLocks.assign(P.Locks.begin(), P.Locks.end());
            R.OtherLocks.assign(Q.Locks.begin(), Q.Locks.end());
            RaceList.push_back(std::move(R));
            Found = true;
          }
        if (Found)
          break;
      }
    }
    // Numbered within each pair of entries, for race-limit.
    std::map<std::pair<const ProgramFunction *, const ProgramFunction *>, std::vector<size_t>>
        ByPair;
    for (size_t I = 0; I < RaceList.size(); ++I) {
      const ProgramRace &R = RaceList[I];
      ByPair[std::minmax(R.AtEntry, R.OtherEntry)].push_back(I);
    }
    for (auto &[Pair, Indexes] : ByPair)
      for (size_t K = 0; K < Indexes.size(); ++K) {
        RaceList[Indexes[K]].PairIndex = static_cast<unsigned>(K);
        RaceList[Indexes[K]].PairCount = static_cast<unsigned>(Indexes.size());
      }
    NumProgramRaces += RaceList.size();
  });
  return RaceList;
}

namespace {

void whereItRuns(const ProgramFunction *Entry, const SourceLoc &Start, bool Multi,
                 const std::vector<ProgramStep> &Chain, DiagnosticSink &Sink) {
  std::string Name = "thread entry '" + displayName(Entry->Symbol) + "'";
  if (Start.Line)
    Sink.report(Severity::Note, Start,
                Name + " is started here" + (Multi ? ", more than once" : ""));
  else
    Sink.report(Severity::Note, Entry->Summary->Loc, "it runs in 'main'");
  for (const ProgramStep &S : Chain)
    Sink.report(Severity::Note, S.Loc,
                "'" + displayName(S.Caller->Symbol) + "' calls '" + displayName(S.Callee->Symbol) +
                    "'");
}

} // namespace

std::optional<RaceFinding> reportProgramRace(const WholeProgram &P, const ProgramRace &R,
                                             unsigned Limit, DiagnosticSink &Sink) {
  if (Limit && R.PairIndex >= Limit)
    return std::nullopt;
  StringRef Object = StringRef(R.At->Object).split('@').first;
  std::string Name = "'" + Object.drop_front(strlen("global:")).str() + "'";
  Sink.report(Severity::Warning, R.At->Loc,
              "data race on " + Name + ": this write may run in parallel with another " +
                  (R.Other->Write ? "write" : "read") +
                  " of it, and no lock is held at both [weft-race]");
  Sink.report(Severity::Note, R.At->Loc,
              "this write is made " + describeLocks(LockSet(R.AtLocks.begin(), R.AtLocks.end())) +
                  (R.At->InSection ? ", inside an atomic section" : ""));
  whereItRuns(R.AtEntry, R.AtStart, R.AtMulti, R.AtChain, Sink);
  Sink.report(Severity::Note, R.Other->Loc,
              std::string(R.Other->Write ? "the other write" : "the read") + ", " +
                  describeLocks(LockSet(R.OtherLocks.begin(), R.OtherLocks.end())) +
                  (R.Other->InSection ? ", inside an atomic section" : ""));
  whereItRuns(R.OtherEntry, R.OtherStart, R.OtherMulti, R.OtherChain, Sink);
  if (Limit && R.PairIndex + 1 == Limit && R.PairCount > Limit)
    Sink.report(Severity::Note, R.At->Loc,
                std::to_string(R.PairCount - Limit) + " more races between '" +
                    displayName(R.AtEntry->Symbol) + "' and '" +
                    displayName(R.OtherEntry->Symbol) +
                    "' across units are not shown (-fplugin-arg-weft-race-limit=0 shows all)");
  return RaceFinding{RaceFinding::DataRace, Object.str(), R.At->Loc, R.Other->Loc};
}

} // namespace weft
