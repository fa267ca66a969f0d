//===- Races.cpp ----------------------------------------------------------===//
#include "Races.h"

#include "Annotations.h"
#include "AtomicSections.h"
#include "BlockingCalls.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "ConstantSlots.h"
#include "Locations.h"
#include "MemoryEffects.h"
#include "Summary.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/Debug.h"

#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

using namespace llvm;

#define DEBUG_TYPE "weft-race"
ALWAYS_ENABLED_STATISTIC(NumThreadEntries, "Thread entries found (race analysis)");
ALWAYS_ENABLED_STATISTIC(NumDataRaces, "Data races reported [weft-race]");
ALWAYS_ENABLED_STATISTIC(NumCheckThenAct, "Check-then-act races reported [weft-race]");
ALWAYS_ENABLED_STATISTIC(NumLockHeld, "Blocking calls made with a lock held [weft-lock-held]");
STATISTIC(NumCorrelatedArguments, "Helper parameters placed through a tested parameter (race analysis)");

namespace weft {

namespace {


enum class LockOp { None, Acquire, AcquireRead, Release };

/// What a call does to a lock, and on which argument.
LockOp lockOpOf(const CallBase &CB, unsigned &Arg) {
  const Function *F = directCallee(CB);
  if (!F)
    return LockOp::None;
  StringRef N = F->getName();
  Arg = 0;
  if (N == "pthread_mutex_lock" || N == "pthread_rwlock_wrlock" || N == "pthread_spin_lock" ||
      N == "weft_mutex_lock" || N == "weft_rwlock_wrlock" || N == "_ZNSt5mutex4lockEv" ||
      N == "_ZNSt12shared_mutex4lockEv")
    return LockOp::Acquire;
  if (N == "pthread_rwlock_rdlock" || N == "weft_rwlock_rdlock" ||
      N == "_ZNSt12shared_mutex11lock_sharedEv")
    return LockOp::AcquireRead;
  if (N == "pthread_mutex_unlock" || N == "pthread_rwlock_unlock" ||
      N == "pthread_spin_unlock" || N == "weft_mutex_unlock" || N == "weft_rwlock_unlock" ||
      N == "_ZNSt5mutex6unlockEv" ||
      N == "_ZNSt12shared_mutex6unlockEv" || N == "_ZNSt12shared_mutex13unlock_sharedEv")
    return LockOp::Release;
  return LockOp::None;
}

/// What a local variable holds when it is written once (at -O0 every
/// parameter and every result kept in a variable lives in one): the value
/// the load `V` reads back, else `V`.
const Value *throughLocal(const Value *V) {
  for (unsigned Depth = 0; Depth < 4; ++Depth) {
    const auto *L = dyn_cast<LoadInst>(V->stripPointerCasts());
    const auto *A = L ? dyn_cast<AllocaInst>(L->getPointerOperand()) : nullptr;
    if (!A)
      break;
    const StoreInst *Only = nullptr;
    for (const User *U : A->users()) {
      if (isa<LoadInst>(U) || cast<Instruction>(U)->isLifetimeStartOrEnd() ||
          isa<DbgInfoIntrinsic>(U))
        continue;
      const auto *S = dyn_cast<StoreInst>(U);
      if (!S || S->getPointerOperand() != A || Only)
        return V;
      Only = S;
    }
    if (!Only)
      break;
    V = Only->getValueOperand();
  }
  return V;
}

/// A lock named by a parameter of the function that takes it: a lock
/// wrapper's, which its call sites name (see LockSummary).
constexpr StringLiteral ArgLockPrefix = "arg:";

/// A lock that is a local of main, or at its start: one object (main runs
/// once), which its threads may be given (a std::thread's callable
/// capturing a mutex by reference, a struct passed to pthread_create).
std::optional<std::string> mainLocalLockName(const Value *Obj) {
  const auto *AI = dyn_cast<AllocaInst>(Obj);
  if (!AI || AI->getFunction()->getName() != "main")
    return std::nullopt;
  unsigned N = 0;
  for (const Instruction &I : AI->getFunction()->getEntryBlock()) {
    if (&I == AI)
      return "local:main#" + std::to_string(N);
    N += isa<AllocaInst>(I);
  }
  return std::nullopt;
}

/// The name of the lock object at `Ptr`, if it has one (but see
/// RaceChecker::lockName for a thread's argument).
std::optional<std::string> baseLockName(const Value *Ptr) {
  if (const auto *A = dyn_cast<Argument>(throughLocal(Ptr)->stripPointerCasts()))
    return ArgLockPrefix.str() + std::to_string(A->getArgNo());
  if (std::optional<std::string> Local = mainLocalLockName(Ptr->stripPointerCasts()))
    return Local;
  return objectName(Ptr);
}

bool isArgLock(StringRef Name) { return Name.starts_with(ArgLockPrefix); }

/// A lock inside what a thread's argument points to: the same lock for
/// two threads exactly when their arguments point to the same object.
constexpr StringLiteral ThreadArgLockPrefix = "thread-arg:";

/// The shared global an access reaches directly, if any.
const GlobalVariable *sharedGlobal(const Value *Ptr) {
  const auto *GV = dyn_cast<GlobalVariable>(getUnderlyingObject(Ptr));
  if (!GV || GV->isConstant() || GV->isThreadLocal() || GV->hasAttribute(AttrNoRace))
    return nullptr;
  return GV;
}

/// Frames of the C and C++ libraries' own code (std::thread's invoker, ...)
/// say nothing to the reader of a chain.
bool inSystemHeader(const SourceLoc &L) {
  return StringRef(L.File).starts_with("/usr/include/") ||
         StringRef(L.File).starts_with("/usr/lib/");
}

/// Where in a shared global an access is: its bytes when the offset is a
/// constant (a field of a struct, an element at a constant index), the
/// same bytes of every element when the index is variable (`tab[i].state`),
/// else anywhere in it.
struct Place {
  const Value *Obj = nullptr; // a global, or memory a thread's argument reaches
  /// Through a thread entry's parameter: the start that passed it, and
  /// whether only one thread gets that object from there.
  const CallBase *Site = nullptr;
  bool OneThread = false;
  bool Deref = false; // the memory global Obj points to, not Obj
  int64_t Off = 0;
  int64_t Size = 0;
  bool Known = false;
  /// A variable index (Known too): the bytes Off + k * Stride for some k,
  /// inside the array [Lo, Hi) of the object it indexes.
  int64_t Stride = 0;
  int64_t Lo = 0, Hi = 0;
  bool Atomic = false;
  /// Made by a call (MemoryEffects.h); Sync: a use of a lock, condition,
  /// barrier or semaphore there. Plain loads and stores never touch such
  /// an object's bytes, so a use of one conflicts only with what calls do
  /// (its init, its destroy, a free), also when offsets are not known.
  bool Call = false;
  bool Sync = false;
};

/// The size of an access whose start is known and whose end is not: it
/// covers the rest of the object.
constexpr int64_t ToTheEnd = int64_t(1) << 40;
/// The bounds of an index into a pointer: the whole object, either way.
constexpr int64_t NoLowerBound = -ToTheEnd, NoUpperBound = 2 * ToTheEnd;

/// A pointer some object's address plus an offset reaches, the offset
/// made of constants and of variable indexes scaled by element sizes.
struct Offsets {
  int64_t Off = 0;    // the constant part
  int64_t Stride = 0; // the gcd of the variable parts' scales (0: none)
  int64_t Lo = NoLowerBound, Hi = NoUpperBound; // the outermost indexed array
  void shift(int64_t By) {
    Off += By;
    if (Stride && Lo != NoLowerBound)
      Lo += By, Hi += By;
  }
};

/// One GEP's offset from its pointer operand, variable indexes included.
/// The array the outermost variable index selects in bounds that index:
/// an element at a variable index of an array inside a struct stays in
/// that array, as C and C++ require.
std::optional<Offsets> gepOffsets(const GEPOperator &GEP, const DataLayout &DL) {
  Offsets O;
  Type *Ty = GEP.getSourceElementType();
  auto Index = [&](const Value *Idx, int64_t Scale, int64_t ArrayLo, int64_t ArrayHi) {
    if (const auto *C = dyn_cast<ConstantInt>(Idx)) {
      O.Off += C->getSExtValue() * Scale;
      return;
    }
    if (!O.Stride)
      O.Lo = ArrayLo, O.Hi = ArrayHi;
    O.Stride = std::gcd(O.Stride, Scale);
  };
  if (!Ty->isSized() || GEP.getNumIndices() == 0)
    return std::nullopt;
  Index(*GEP.idx_begin(), static_cast<int64_t>(DL.getTypeAllocSize(Ty)), NoLowerBound,
        NoUpperBound);
  for (auto Idx = std::next(GEP.idx_begin()); Idx != GEP.idx_end(); ++Idx) {
    if (auto *ST = dyn_cast<StructType>(Ty)) {
      const auto *C = dyn_cast<ConstantInt>(*Idx);
      if (!C)
        return std::nullopt;
      O.Off += static_cast<int64_t>(DL.getStructLayout(ST)->getElementOffset(C->getZExtValue()));
      Ty = ST->getElementType(C->getZExtValue());
      continue;
    }
    auto *AT = dyn_cast<ArrayType>(Ty);
    if (!AT)
      return std::nullopt;
    int64_t Start = O.Off;
    Index(*Idx, static_cast<int64_t>(DL.getTypeAllocSize(AT->getElementType())), Start,
          Start + static_cast<int64_t>(DL.getTypeAllocSize(AT)));
    Ty = AT->getElementType();
  }
  if (O.Stride <= 0)
    return std::nullopt; // constant, or a scale that is not a size
  return O;
}

/// What a variable index is known to be, where that is known (a
/// correlated argument, see RaceChecker::correlatedPlaces).
using IndexValueFn = function_ref<bool(Value &, APInt &)>;

/// Strips constant offsets and GEPs with variable indexes from `Ptr`,
/// adding them to `O`: the pointer they start from.

const Value *stripOffsets(const Value *Ptr, const DataLayout &DL, Offsets &O,
                          IndexValueFn IndexValue = nullptr) {
  for (unsigned Step = 0; Step < 8; ++Step) {
    APInt Const(DL.getIndexTypeSizeInBits(Ptr->getType()), 0);
    Ptr = Ptr->stripAndAccumulateConstantOffsets(DL, Const, /*AllowNonInbounds=*/true,
                                                 /*AllowInvariantGroup=*/false, IndexValue);
    O.shift(Const.getSExtValue());
    const auto *GEP = dyn_cast<GEPOperator>(Ptr);
    std::optional<Offsets> G = GEP ? gepOffsets(*GEP, DL) : std::nullopt;
    if (!G)
      break;
    // An outer index's array bounds the inner ones' elements.
    O.Off += G->Off;
    O.Stride = std::gcd(O.Stride, G->Stride);
    O.Lo = G->Lo, O.Hi = G->Hi;
    Ptr = GEP->getPointerOperand();
  }
  return Ptr;
}

/// The place `Size` bytes at `Ptr` take in a shared global (-1: as far as
/// the object goes), or none.
Place placeOf(const Value *Ptr, int64_t Size, const DataLayout &DL) {
  Place P;
  P.Obj = sharedGlobal(Ptr);
  if (!P.Obj)
    return P;
  Offsets O;
  if (stripOffsets(Ptr, DL, O) == P.Obj) {
    P.Known = true;
    P.Off = O.Off, P.Stride = O.Stride, P.Lo = O.Lo, P.Hi = O.Hi;
    P.Size = Size >= 0 ? Size : ToTheEnd;
  }
  return P;
}

int64_t storeSize(Type *Accessed, const DataLayout &DL) {
  return Accessed->isSized()
             ? static_cast<int64_t>(DL.getTypeStoreSize(Accessed).getFixedValue())
             : -1;
}

/// The pointer a memory access goes through, what it accesses, and whether
/// it is atomic; false for anything else.
bool accessOf(const Instruction &I, const Value *&Ptr, Type *&Ty, bool &Atomic) {
  Atomic = true;
  if (const auto *L = dyn_cast<LoadInst>(&I))
    Ptr = L->getPointerOperand(), Ty = L->getType(), Atomic = L->isAtomic();
  else if (const auto *S = dyn_cast<StoreInst>(&I))
    Ptr = S->getPointerOperand(), Ty = S->getValueOperand()->getType(), Atomic = S->isAtomic();
  else if (const auto *RMW = dyn_cast<AtomicRMWInst>(&I))
    Ptr = RMW->getPointerOperand(), Ty = RMW->getValOperand()->getType();
  else if (const auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
    Ptr = CX->getPointerOperand(), Ty = CX->getNewValOperand()->getType();
  else
    return false;
  return true;
}

/// The place an access touches in a global (atomic ones too, marked so:
/// two atomic accesses do not race, an atomic and a plain one do).
Place placeOf(const Instruction &I) {
  const Value *Ptr = nullptr;
  Type *Ty = nullptr;
  bool Atomic = false;
  if (!accessOf(I, Ptr, Ty, Atomic))
    return Place();
  const DataLayout &DL = I.getModule()->getDataLayout();
  Place P = placeOf(Ptr, storeSize(Ty, DL), DL);
  P.Atomic = Atomic;
  return P;
}

/// What a pointer reaches: an object and the constant offset into it when
/// the offset is known, through locals written once (see throughLocal).
struct Resolved {
  const Value *Base;
  int64_t Off = 0;
  bool Known = true; // Off is the offset: nothing variable on the way
  /// Known but for variable indexes: the offset is Off modulo Stride,
  /// inside [Lo, Hi) (see Offsets); 0 when not.
  int64_t Stride = 0;
  int64_t Lo = NoLowerBound, Hi = NoUpperBound;
};

Resolved resolve(const Value *Ptr, const DataLayout &DL, IndexValueFn IndexValue = nullptr) {
  Resolved R{Ptr};
  Offsets O;
  bool Exact = true;
  for (unsigned Depth = 0; Depth < 8; ++Depth) {
    const Value *V = stripOffsets(R.Base, DL, O, IndexValue);
    const Value *U = getUnderlyingObject(V);
    Exact &= U == V;
    R.Base = throughLocal(U);
    if (R.Base == U || !R.Base->getType()->isPointerTy())
      break;
  }
  R.Off = O.Off;
  R.Known = Exact && !O.Stride;
  if (Exact && O.Stride)
    R.Stride = O.Stride, R.Lo = O.Lo, R.Hi = O.Hi;
  return R;
}

/// A call that returns fresh heap memory.
bool isAllocation(const Value *V) {
  const auto *CB = dyn_cast<CallBase>(V);
  const Function *F = CB ? directCallee(*CB) : nullptr;
  if (!F)
    return false;
  StringRef N = F->getName();
  return N == "malloc" || N == "calloc" || N == "realloc" || N == "aligned_alloc" ||
         N == "_Znwm" || N == "_Znam" || N == "mmap" || N == "mmap64";
}


/// A plain (not atomic) access, for check-then-act.
Place plainPlaceOf(const Instruction &I) {
  Place P = placeOf(I);
  return P.Atomic ? Place() : P;
}

bool isWrite(const Instruction &I) {
  return isa<StoreInst, AtomicRMWInst, AtomicCmpXchgInst>(I);
}

bool overlaps(const Place &A, const Place &B) {
  if (!A.Obj || A.Obj != B.Obj || A.Deref != B.Deref)
    return false;
  if (!A.Known || !B.Known)
    return true;
  auto Extent = [](const Place &P) {
    return P.Stride ? std::pair(P.Lo, P.Hi) : std::pair(P.Off, P.Off + P.Size);
  };
  auto [ALo, AHi] = Extent(A);
  auto [BLo, BHi] = Extent(B);
  if (ALo >= BHi || BLo >= AHi)
    return false;
  // Where B starts relative to an A, modulo what both indexes can move.
  int64_t G = std::gcd(A.Stride, B.Stride);
  if (!G)
    return true;
  int64_t R = ((B.Off - A.Off) % G + G) % G;
  return R < A.Size || R + B.Size > G;
}

struct Access {
  const Instruction *I;
  Place Where;
  bool Write;
  LockSet Held;
  bool InSection;
  const Value *Ptr; // the pointer it goes through
};

class RaceChecker {
public:
  RaceChecker(const BlockingGraph &G, const AtomicSections &Sections, DiagnosticSink &Sink)
      : G(G), M(G.module()), Sink(Sink) {
    for (const AtomicSection &S : Sections.sections())
      for (const Instruction *I : S.Body)
        InSection.insert(I);
  }

  std::vector<RaceFinding> run(LockChecks Checks) {
    std::vector<RaceFinding> Out;
    if (!Checks.CheckThenAct && !Checks.DataRaces && !Checks.LockHeld)
      return Out;
    if (Checks.DataRaces)
      findEntries();
    computeHeld();
    if (Checks.CheckThenAct)
      checkThenAct(Out);
    if (Checks.DataRaces)
      dataRaces(Out);
    if (Checks.LockHeld)
      locksHeldAcrossBlocking(Out);
    return Out;
  }

  /// Race facts for the unit's summary (summarizeThreads).
  void summarizeInto(UnitSummary &U) {
    findEntries();
    computeHeld();
    std::map<std::string, FunctionSummary *> BySymbol;
    for (FunctionSummary &F : U.Functions)
      if (F.Defined)
        BySymbol[F.Symbol] = &F;
    auto Locks = [](const LockSet &L) {
      std::vector<std::string> Out;
      for (const std::string &N : L)
        if (!StringRef(N).starts_with(ThreadArgLockPrefix))
          Out.push_back(N);
      return Out;
    };
    // A global by name for the whole program: "global:<symbol>", with
    // "@<unit>" after a static one's (objects and thread handles alike).
    auto GlobalName = [&](const Value *Obj) -> std::string {
      const auto *GV = dyn_cast_or_null<GlobalVariable>(Obj);
      if (!GV)
        return "";
      return "global:" + GV->getName().str() + (GV->hasLocalLinkage() ? "@" + U.Unit : "");
    };
    // A start's or join's thread handle for the whole program: the struct
    // field it is kept in (`pool->slots[i].tid`, the same field in every
    // unit, whichever object holds it), else the global it is.
    auto HandleName = [&](const CallBase &CB) -> std::string {
      const Value *At = handleAddress(CB);
      if (std::optional<std::string> Field = At ? handleField(*At) : std::nullopt)
        return *Field;
      return GlobalName(handleOf(CB));
    };
    for (const Function &F : M) {
      auto It = BySymbol.find(F.getName().str());
      if (F.isDeclaration() || It == BySymbol.end())
        continue;
      FunctionSummary &FS = *It->second;
      // Which calls run before which on every path (joins in callees end
      // threads for what follows); not for functions with very many calls.
      std::vector<const CallBase *> Calls;
      for (const Instruction &I : instructions(F))
        if (const auto *CB = dyn_cast<CallBase>(&I); CB && !isIgnoredCall(*CB))
          Calls.push_back(CB);
      std::optional<DominatorTree> DT;
      if (!Calls.empty() && Calls.size() <= 256 && Calls.size() == FS.Calls.size()) {
        DT.emplace(const_cast<Function &>(F));
        for (size_t K = 0; K < Calls.size(); ++K)
          for (size_t J = 0; J < Calls.size(); ++J)
            if (J != K && DT->dominates(Calls[J], Calls[K]))
              FS.Calls[K].After.push_back(static_cast<unsigned>(J));
      }
      // The same for an access: the program follows joins and other
      // units' lock wrappers through them.
      auto AfterCalls = [&](const Instruction &I) {
        std::vector<unsigned> Out;
        if (DT)
          for (size_t J = 0; J < Calls.size(); ++J)
            if (DT->dominates(Calls[J], &I) && !isa<IntrinsicInst>(Calls[J]))
              Out.push_back(static_cast<unsigned>(J));
        return Out;
      };
      // As a lock wrapper other units may call.
      if (auto Sum = Summaries.find(&F); Sum != Summaries.end()) {
        for (const std::string &L : Sum->second.Acquired)
          if (StringRef(L).starts_with("global:"))
            FS.Acquires.push_back(L);
        for (const std::string &L : Sum->second.Released)
          if (StringRef(L).starts_with("global:"))
            FS.Releases.push_back(L);
      }
      for (size_t K = 0; K < Calls.size(); ++K)
        if (isJoin(*Calls[K]))
          if (std::string H = HandleName(*Calls[K]); !H.empty()) {
            FS.Joins.push_back(H);
            if (K < FS.Calls.size())
              FS.Calls[K].Joins = H;
          }
      auto Record = [&](const Instruction &I, const Place &P, bool Write) {
        if (!P.Obj || P.Deref)
          return;
        AccessSummary A;
        A.Object = GlobalName(cast<GlobalVariable>(P.Obj));
        A.Known = P.Known && !P.Stride; // a variable index: anywhere, across units
        A.Offset = P.Off;
        A.Size = P.Size;
        A.Write = Write;
        A.Atomic = P.Atomic;
        A.InSection = InSection.count(&I) != 0;
        A.Alone = runsAlone(I);
        A.Locks = Locks(HeldBefore.lookup(&I));
        A.After = AfterCalls(I);
        A.Loc = userLocationOf(I);
        FS.Accesses.push_back(std::move(A));
      };
      size_t Call = 0;
      for (const Instruction &I : instructions(F)) {
        if (const auto *CB = dyn_cast<CallBase>(&I)) {
          // What calls write and read; not the uses of locks (summaries
          // do not say which accesses are calls, and a use conflicts only
          // with a call's).
          for (const CallAccess &CA : callAccesses(*CB)) {
            if (CA.Atomic)
              continue;
            Place P = placeOf(CA.Ptr, CA.Size, M.getDataLayout());
            P.Atomic = CA.Atomic;
            Record(I, P, CA.Write);
          }
          if (isIgnoredCall(*CB))
            continue;
          assert(Call < FS.Calls.size() && "the summary lists every call, in order");
          CallSummary &CS = FS.Calls[Call++];
          CS.Locks = Locks(HeldBefore.lookup(CB));
          CS.Alone = runsAlone(*CB);
          CS.NoReturn = CB->doesNotReturn() || isa_and_nonnull<UnreachableInst>(CB->getNextNode());
          CS.ArgLocks.assign(CB->arg_size(), "");
          for (unsigned A = 0; A < CB->arg_size(); ++A)
            if (CB->getArgOperand(A)->getType()->isPointerTy())
              if (std::optional<std::string> N = lockName(CB->getArgOperand(A)))
                if (StringRef(*N).starts_with("global:"))
                  CS.ArgLocks[A] = *N;
          while (!CS.ArgLocks.empty() && CS.ArgLocks.back().empty())
            CS.ArgLocks.pop_back();
          continue;
        }
        Record(I, placeOf(I), isWrite(I));
      }
    }
    // Starts, of entries defined here or elsewhere; one runs more than
    // once from here when a loop reaches it again without a join of it.
    for (const Function &F : M) {
      auto It = BySymbol.find(F.getName().str());
      if (F.isDeclaration() || It == BySymbol.end())
        continue;
      for (const Instruction &I : instructions(F)) {
        const auto *CB = dyn_cast<CallBase>(&I);
        const Function *E = CB ? startRoutineOf(*CB) : nullptr;
        if (!E)
          continue;
        const Value *H = handleOf(*CB);
        DenseSet<const Instruction *> After =
            reachableFrom(CB, [&](const Instruction &J) { return joins(J, H); });
        It->second->Starts.push_back({E->getName().str(), userLocationOf(*CB),
                                      After.count(CB) != 0, HandleName(*CB)});
      }
    }
  }

private:
  // ---- must-held locks -------------------------------------------------

  /// Held locks at the start of every block of F, given F's entry set.
  void heldIn(const Function &F, const LockSet &Entry) {
    // Most functions take no lock and are called with none: nothing to
    // record, and nothing to iterate.
    if (Entry.empty() && !mayAcquire(F))
      return;
    std::map<const BasicBlock *, std::optional<LockSet>> In; // none: not reached yet
    In[&F.getEntryBlock()] = Entry;
    bool Changed = true;
    while (Changed) {
      Changed = false;
      for (const BasicBlock &BB : F) {
        std::optional<LockSet> &Cur = In[&BB];
        if (!Cur)
          continue;
        LockSet S = *Cur;
        for (const Instruction &I : BB)
          transfer(I, S);
        for (const BasicBlock *Succ : successors(&BB)) {
          LockSet Edge = S;
          tryLockEdge(BB, Succ, Edge);
          std::optional<LockSet> &Next = In[Succ];
          if (!Next) {
            Next = Edge;
            Changed = true;
            continue;
          }
          Changed |= meetLocks(*Next, Edge);
        }
      }
    }
    // Recorded once, at the fixed point, where the checks look: accesses,
    // calls and returns; a missing entry is the empty set.
    for (const BasicBlock &BB : F) {
      const std::optional<LockSet> &Cur = In[&BB];
      if (!Cur)
        continue;
      LockSet S = *Cur;
      for (const Instruction &I : BB) {
        if (!S.empty() && isa<LoadInst, StoreInst, AtomicRMWInst, AtomicCmpXchgInst, CallBase,
                              ReturnInst>(I))
          HeldBefore[&I] = S;
        transfer(I, S);
      }
    }
  }

  /// Whether anything in F may add a lock to an empty set: a lock call, a
  /// guard, a callee whose summary acquires, a trylock's edge.
  bool mayAcquire(const Function &F) {
    for (const BasicBlock &BB : F) {
      for (const Instruction &I : BB) {
        LockSet S;
        transfer(I, S);
        if (!S.empty())
          return true;
      }
      for (const BasicBlock *Succ : successors(&BB)) {
        LockSet Edge;
        tryLockEdge(BB, Succ, Edge);
        if (!Edge.empty())
          return true;
      }
    }
    return false;
  }

  /// A trylock holds its lock on the edge where it succeeded (returned 0):
  /// `if (pthread_mutex_trylock(&m) != 0) return;` holds m after the test.
  void tryLockEdge(const BasicBlock &BB, const BasicBlock *Succ, LockSet &S) {
    const auto *Br = dyn_cast<BranchInst>(BB.getTerminator());
    if (!Br || !Br->isConditional())
      return;
    const auto *Cmp = dyn_cast<ICmpInst>(Br->getCondition());
    if (!Cmp || !Cmp->isEquality() || !isa<ConstantInt>(Cmp->getOperand(1)) ||
        !cast<ConstantInt>(Cmp->getOperand(1))->isZero())
      return;
    // The result tested directly, or kept in a variable first.
    const auto *CB = dyn_cast<CallBase>(throughLocal(Cmp->getOperand(0)));
    const Function *F = CB ? directCallee(*CB) : nullptr;
    if (!F || CB->arg_size() == 0)
      return;
    StringRef N = F->getName();
    bool Read = N == "pthread_rwlock_tryrdlock" || N == "weft_rwlock_tryrdlock";
    if (!Read && N != "pthread_mutex_trylock" && N != "pthread_rwlock_trywrlock" &&
        N != "pthread_spin_trylock" && N != "weft_mutex_trylock" &&
        N != "weft_rwlock_trywrlock")
      return;
    // Success: `== 0` goes to the first successor, `!= 0` to the second.
    const BasicBlock *OnSuccess =
        Br->getSuccessor(Cmp->getPredicate() == ICmpInst::ICMP_EQ ? 0 : 1);
    if (Succ != OnSuccess || Br->getSuccessor(0) == Br->getSuccessor(1))
      return;
    if (std::optional<std::string> Name = lockName(CB->getArgOperand(0)))
      S.insert(Read ? *Name + ":r" : *Name);
  }

  void transfer(const Instruction &I, LockSet &S) {
    const auto *CB = dyn_cast<CallBase>(&I);
    if (!CB)
      return;
    if (guardTransfer(*CB, S))
      return;
    unsigned Arg = 0;
    LockOp Op = lockOpOf(*CB, Arg);
    if (Op == LockOp::None)
      return applySummary(*CB, S);
    if (CB->arg_size() <= Arg)
      return;
    std::optional<std::string> Name = lockName(CB->getArgOperand(Arg));
    if (!Name)
      return;
    if (Op == LockOp::Acquire)
      S.insert(*Name);
    else if (Op == LockOp::AcquireRead)
      S.insert(*Name + ":r");
    else
      S.erase(*Name), S.erase(*Name + ":r");
  }

  /// std::lock_guard, std::unique_lock, std::scoped_lock and
  /// std::shared_lock: the constructor that takes mutexes locks them, the
  /// guard's lock() and unlock() and its destructor act on what it holds.
  bool guardTransfer(const CallBase &CB, LockSet &S) {
    const Function *F = directCallee(CB);
    if (!F || CB.arg_size() == 0)
      return false;
    StringRef N = F->getName();
    bool Shared = N.starts_with("_ZNSt11shared_lockI");
    if (!Shared && !N.starts_with("_ZNSt10lock_guardI") && !N.starts_with("_ZNSt11unique_lockI") &&
        !N.starts_with("_ZNSt11scoped_lockI"))
      return false;
    const Value *Guard = getUnderlyingObject(CB.getArgOperand(0));
    std::vector<std::string> &Held = GuardLocks[Guard];
    auto Suffix = [&](std::string L) { return Shared ? L + ":r" : L; };
    if (N.contains("C1E") || N.contains("C2E")) {
      // (this, mutex&...): only the constructors that lock (one with a
      // tag such as std::defer_lock has a second, empty argument type).
      // Those constructors still tie the mutex to the guard, for its
      // lock(), unlock() and destructor.
      Held.clear();
      bool Locks =
          !N.contains("defer_lock") && !N.contains("try_to_lock") && !N.contains("adopt_lock");
      for (unsigned A = 1; A < CB.arg_size(); ++A)
        if (!CB.getArgOperand(A)->getType()->isPointerTy())
          continue;
        else if (std::optional<std::string> L = lockName(CB.getArgOperand(A))) {
          Held.push_back(*L);
          if (Locks)
            S.insert(Suffix(*L));
        }
      return true;
    }
    if (N.ends_with("4lockEv") || N.ends_with("11lock_sharedEv")) {
      for (const std::string &L : Held)
        S.insert(Suffix(L));
      return true;
    }
    if (N.ends_with("6unlockEv") || N.ends_with("D1Ev") || N.ends_with("D2Ev")) {
      for (const std::string &L : Held)
        S.erase(L), S.erase(L + ":r");
      return true;
    }
    return false;
  }

  /// The name of the lock at `Ptr`: inside a thread's argument, its entry
  /// and offset; else its base name.
  /// A helper's parameter names the global lock every direct caller of
  /// it passes, when they all pass the same.
  std::optional<std::string> lockName(const Value *Ptr, unsigned Depth = 0) {
    Resolved R = resolve(Ptr, M.getDataLayout());
    // A mutex a std::thread's callable was given (`[&] { lock_guard g(m);
    // ... }`): named as the starter names it.
    if (auto It = CaptureLoads.find(R.Base); It != CaptureLoads.end() && R.Known && R.Off == 0) {
      SmallVector<const Value *, 4> Objs = capturedAt(*It->second.first, It->second.second);
      if (Objs.size() == 1)
        return baseLockName(Objs.front());
    }
    const auto *A = dyn_cast<Argument>(R.Base);
    if (!A)
      return baseLockName(Ptr);
    const Function *F = A->getParent();
    if (A->getArgNo() == 0 && SitesOf.count(F)) {
      if (!R.Known)
        return std::nullopt;
      // Every start passes one local of main: the lock as main names it
      // (the local, or a field of its struct type).
      if (const Place *Bound = boundPlace(*A, /*SameOffset=*/true);
          Bound && mainLocalLockName(Bound->Obj))
        return Bound->Off + R.Off == 0 ? mainLocalLockName(Bound->Obj) : objectName(Ptr);
      return ThreadArgLockPrefix.str() + F->getName().str() + "+" + std::to_string(R.Off);
    }
    auto Memo = ArgLockNames.find(A);
    if (Memo != ArgLockNames.end())
      return Memo->second ? Memo->second : baseLockName(Ptr);
    ArgLockNames[A] = std::nullopt; // a recursive call agrees on nothing
    std::optional<std::string> Common;
    bool Agree = Depth < 4 && !F->hasAddressTaken();
    for (const User *U : F->users()) {
      const auto *CB = dyn_cast<CallBase>(U);
      if (!Agree || !CB || CB->getCalledOperand() != F || CB->arg_size() <= A->getArgNo()) {
        Agree = false;
        break;
      }
      std::optional<std::string> N = lockName(CB->getArgOperand(A->getArgNo()), Depth + 1);
      if (!N || !StringRef(*N).starts_with("global:") || (Common && *Common != *N))
        Agree = false;
      Common = N;
    }
    if (Agree && Common)
      return ArgLockNames[A] = Common;
    return baseLockName(Ptr);
  }

  /// Whether every use of F but a direct call is in the initializer of a
  /// global of this module's own (a table of handlers): then every call to
  /// it is a call site of this module the blocking graph resolves to it.
  static bool onlyInLocalTables(const Function &F) {
    if (!F.hasLocalLinkage())
      return false;
    SmallVector<const User *, 8> Work(F.users().begin(), F.users().end());
    SmallPtrSet<const User *, 8> Seen;
    while (!Work.empty()) {
      const User *U = Work.pop_back_val();
      if (!Seen.insert(U).second)
        continue;
      if (const auto *CB = dyn_cast<CallBase>(U)) {
        if (CB->getCalledOperand()->stripPointerCasts() != &F ||
            llvm::any_of(CB->args(), [&](const Use &A) { return A->stripPointerCasts() == &F; }))
          return false;
        continue;
      }
      if (const auto *GV = dyn_cast<GlobalVariable>(U)) {
        if (!GV->hasLocalLinkage())
          return false;
        continue;
      }
      if (!isa<Constant>(U) || isa<GlobalValue>(U))
        return false;
      Work.append(U->user_begin(), U->user_end());
    }
    return true;
  }

  /// Entry sets: a function only this module calls (directly, or through a
  /// table of its own) holds what all its call sites hold; any other holds
  /// nothing. Lock summaries: what each function leaves locked or unlocked
  /// for its callers.
  void computeHeld() {
    std::map<const Function *, LockSet> Entry;
    DenseMap<const Function *, std::vector<const CallBase *>> CallersOf;
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      Entry[&F] = {};
      for (const CallSite &CS : G.callSites(F))
        for (const Function *C : CS.Callees)
          CallersOf[C].push_back(CS.Call);
    }
    DenseSet<const Function *> Private;
    for (const Function &F : M)
      if (!F.isDeclaration() && onlyInLocalTables(F))
        Private.insert(&F);
    for (unsigned Round = 0; Round < 8; ++Round) {
      HeldBefore.clear();
      for (const Function &F : M)
        if (!F.isDeclaration())
          heldIn(F, Entry[&F]);
      bool Changed = summarize(Entry);
      for (const Function *F : Private) {
        std::optional<LockSet> Meet;
        for (const CallBase *CB : CallersOf.lookup(F)) {
          auto It = HeldBefore.find(CB);
          LockSet At = It == HeldBefore.end() ? LockSet() : It->second;
          // A caller's parameter is not the callee's.
          for (auto L = At.begin(); L != At.end();)
            L = isArgLock(*L) ? At.erase(L) : std::next(L);
          if (!Meet)
            Meet = At;
          else
            meetLocks(*Meet, At);
        }
        LockSet New = Meet.value_or(LockSet());
        if (New != Entry[F]) {
          Entry[F] = New;
          Changed = true;
        }
      }
      if (!Changed)
        break;
    }
    EntryHeld = std::move(Entry);
  }

  /// What a call to a defined function does to its caller's locks: the
  /// locks it holds at every return that it did not hold on entry (a
  /// `my_lock(&m)`), and those it may release (a `my_unlock(&m)`). Locks
  /// its parameters name are renamed at each call site.
  struct LockSummary {
    LockSet Acquired;
    LockSet Released; // base names
    bool ReleasesUnknown = false;
    bool operator==(const LockSummary &O) const {
      return Acquired == O.Acquired && Released == O.Released &&
             ReleasesUnknown == O.ReleasesUnknown;
    }
  };

  /// Recomputes the summaries from HeldBefore; returns whether one changed.
  bool summarize(const std::map<const Function *, LockSet> &Entry) {
    bool Changed = false;
    for (const auto &[F, In] : Entry) {
      LockSummary New;
      std::optional<LockSet> AtReturn;
      for (const Instruction &I : instructions(*F)) {
        if (isa<ReturnInst>(I)) {
          const LockSet &Here = HeldBefore[&I];
          if (!AtReturn)
            AtReturn = Here;
          else
            meetLocks(*AtReturn, Here);
          continue;
        }
        const auto *CB = dyn_cast<CallBase>(&I);
        if (!CB)
          continue;
        unsigned Arg = 0;
        if (lockOpOf(*CB, Arg) == LockOp::Release) {
          std::optional<std::string> Name =
              CB->arg_size() > Arg ? lockName(CB->getArgOperand(Arg)) : std::nullopt;
          if (Name)
            New.Released.insert(*Name);
          else
            New.ReleasesUnknown = true;
          continue;
        }
        const Function *C = directCallee(*CB);
        auto It = C ? Summaries.find(C) : Summaries.end();
        if (It == Summaries.end())
          continue;
        New.ReleasesUnknown |= It->second.ReleasesUnknown;
        for (const std::string &L : It->second.Released) {
          if (std::optional<std::string> Name = atCallSite(*CB, L))
            New.Released.insert(*Name);
          else
            New.ReleasesUnknown = true;
        }
      }
      if (AtReturn)
        for (const std::string &L : *AtReturn)
          if (!In.count(L))
            New.Acquired.insert(L);
      LockSummary &Old = Summaries[F];
      if (!(Old == New)) {
        Old = std::move(New);
        Changed = true;
      }
    }
    return Changed;
  }

  /// A callee's lock name as its call site `CB` names it.
  std::optional<std::string> atCallSite(const CallBase &CB, const std::string &L) {
    if (!isArgLock(L))
      return L;
    StringRef R = StringRef(L).drop_front(ArgLockPrefix.size());
    bool Read = R.consume_back(":r");
    unsigned N = 0;
    if (R.getAsInteger(10, N) || N >= CB.arg_size())
      return std::nullopt;
    std::optional<std::string> Name = lockName(CB.getArgOperand(N));
    if (!Name)
      return std::nullopt;
    return Read ? *Name + ":r" : *Name;
  }

  /// Applies the summary of a call's callee, if it has one.
  void applySummary(const CallBase &CB, LockSet &S) {
    const Function *C = directCallee(CB);
    auto It = C ? Summaries.find(C) : Summaries.end();
    if (It == Summaries.end())
      return;
    const LockSummary &Sum = It->second;
    if (Sum.ReleasesUnknown)
      S.clear();
    for (const std::string &L : Sum.Released) {
      std::optional<std::string> Name = atCallSite(CB, L);
      if (!Name) {
        S.clear();
        break;
      }
      S.erase(*Name), S.erase(*Name + ":r");
    }
    for (const std::string &L : Sum.Acquired)
      if (std::optional<std::string> Name = atCallSite(CB, L))
        S.insert(*Name);
  }

  // ---- check-then-act --------------------------------------------------

  /// Instructions reachable from just after `From`, not passing one for
  /// which `Stop` is true (which is itself included).
  template <typename StopFn>
  DenseSet<const Instruction *> reachableFrom(const Instruction *From, StopFn Stop) {
    return reachableFrom(From, Stop, [](const Instruction &, const BasicBlock *) { return true; });
  }
  /// The dominator tree of a function, built once.
  const DominatorTree &dominatorsOf(const Function &F) {
    std::unique_ptr<DominatorTree> &DT = Dominators[&F];
    if (!DT)
      DT = std::make_unique<DominatorTree>(const_cast<Function &>(F));
    return *DT;
  }

  /// The constant slots of a function (ConstantSlots.h), found once.
  const ConstantSlots &slotsOf(const Function &F) {
    std::unique_ptr<ConstantSlots> &Slots = SlotsOf[&F];
    if (!Slots)
      Slots = std::make_unique<ConstantSlots>(F);
    return *Slots;
  }

  /// The same, following only the edges `Edge` accepts.
  template <typename StopFn, typename EdgeFn>
  DenseSet<const Instruction *> reachableFrom(const Instruction *From, StopFn Stop, EdgeFn Edge) {
    DenseSet<const Instruction *> Seen;
    SmallPtrSet<const BasicBlock *, 16> Blocks;
    // Not the edges of Clang's cleanup switches (and other tests of locals
    // that only hold constants) that no run from From takes.
    const ConstantSlots &Slots = slotsOf(*From->getFunction());
    const DenseSet<ConstantSlots::Edge> Dead =
        Slots.empty() ? DenseSet<ConstantSlots::Edge>()
                      : Slots.deadEdges(*From, [&](const Instruction &I) { return Stop(I); });
    std::vector<const Instruction *> Work{From->getNextNode()};
    if (const auto *Inv = dyn_cast<InvokeInst>(From))
      Work = {&Inv->getNormalDest()->front()};
    while (!Work.empty()) {
      const Instruction *I = Work.back();
      Work.pop_back();
      for (; I; I = I->getNextNode()) {
        Seen.insert(I);
        if (Stop(*I))
          break;
        if (I->isTerminator()) {
          for (const BasicBlock *S : successors(I->getParent()))
            if (Edge(*I, S) && !Dead.count({I->getParent(), S}) && Blocks.insert(S).second)
              Work.push_back(&S->front());
          break;
        }
      }
    }
    return Seen;
  }

  void checkThenAct(std::vector<RaceFinding> &Out) {
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      std::vector<CallBase *> Points = G.blockingPoints(F);
      if (Points.empty())
        continue;
      std::map<const GlobalVariable *, std::vector<const Instruction *>> Loads, Stores;
      for (const Instruction &I : instructions(F))
        if (Place P = plainPlaceOf(I); P.Obj)
          (isa<LoadInst>(I) ? Loads : Stores)[cast<GlobalVariable>(P.Obj)].push_back(&I);
      for (auto &[GV, Ls] : Loads) {
        auto SIt = Stores.find(GV);
        if (SIt == Stores.end())
          continue;
        bool Reported = false;
        for (const Instruction *L : Ls) {
          if (Reported)
            break;
          Place LP = plainPlaceOf(*L);
          DenseSet<const Instruction *> AfterRead = reachableFrom(L, [](const Instruction &) {
            return false;
          });
          for (const Instruction *S : SIt->second) {
            Place SP = plainPlaceOf(*S);
            if (Reported || !AfterRead.count(S) || !overlaps(LP, SP))
              continue;
            // A read of what S writes, after the blocking point, redoes it.
            auto Rereads = [&](const Instruction &I) {
              return isa<LoadInst>(I) && overlaps(placeOf(I), SP);
            };
            for (const CallBase *B : Points) {
              if (!AfterRead.count(B))
                continue;
              // No other thread can run while code that runs alone blocks.
              if (runsAlone(*L) && runsAlone(*B) && runsAlone(*S))
                continue;
              if (!reachableFrom(B, Rereads).count(S))
                continue;
              if (locksProtect(HeldBefore[L], HeldBefore[S]) && locksProtect(HeldBefore[B], HeldBefore[S]))
                continue; // a lock held across the blocking point
              reportCheckThenAct(*GV, *L, *B, *S, Out);
              Reported = true;
              break;
            }
          }
        }
      }
    }
  }

  void reportCheckThenAct(const GlobalVariable &GV, const Instruction &L, const CallBase &B,
                          const Instruction &S, std::vector<RaceFinding> &Out) {
    std::string Name = "'" + GV.getName().str() + "'";
    Function *Culprit = nullptr;
    G.stateOfCall(B, &Culprit);
    std::string Callee = directCallee(B) ? "'" + displayName(directCallee(B)->getName()) + "'"
                                         : std::string("an indirect call");
    SourceLoc At = userLocationOf(S);
    Sink.report(Severity::Warning, At,
                Name + " is written here from a value read before a blocking call to " + Callee +
                    "; other threads run while this one is blocked and may change it "
                    "(read it again after the call, or hold a lock across) [weft-race]");
    Sink.report(Severity::Note, userLocationOf(L), Name + " is read here");
    Sink.report(Severity::Note, userLocationOf(B),
                "this call may block" +
                    std::string(Culprit && !directCallee(B) ? " (it may call '" +
                                                                  displayName(Culprit->getName()) +
                                                                  "')"
                                                            : ""));
    for (const ChainStep &Step : G.chainBelow(*(Culprit ? Culprit : B.getFunction()))) {
      if (!Culprit)
        break;
      Sink.report(Severity::Note, userLocationOf(*Step.Call),
                  "'" + displayName(Step.Call->getFunction()->getName()) + "' calls " +
                      (Step.Callee ? "'" + displayName(Step.Callee->getName()) + "'"
                                   : std::string("through a pointer")));
    }
    ++NumCheckThenAct;
    Out.push_back({RaceFinding::CheckThenAct, "global:" + GV.getName().str(), At,
                   userLocationOf(L)});
  }

  // ---- locks held across blocking calls -------------------------------

  /// The kinds of waiting that hold a lock for as long as something
  /// outside the critical section takes: not taking another lock (lock
  /// order is the program's business), not stdio or a yield.
  static bool isLongWait(StringRef Kind) {
    return Kind == "io" || Kind == "accept" || Kind == "connect" || Kind == "poll" ||
           Kind == "sleep" || Kind == "process" || Kind == "file" || Kind == "join" ||
           Kind == "cond" || Kind == "barrier" || Kind == "semaphore" || Kind == "channel";
  }

  /// The mutex a condition-variable wait releases while it waits.
  static bool isCondWait(StringRef Callee) {
    // std::condition_variable's wait, wait_for and wait_until (and
    // condition_variable_any's), which unlock the lock while they wait.
    for (StringRef Class : {"_ZNSt18condition_variable", "_ZNSt3_V222condition_variable_any"})
      if (Callee.consume_front(Class))
        return Callee.starts_with("4wait") || Callee.starts_with("8wait_for") ||
               Callee.starts_with("10wait_until");
    return Callee == "pthread_cond_wait" || Callee == "pthread_cond_timedwait" ||
           Callee == "pthread_cond_clockwait" || Callee == "weft_cond_wait" ||
           Callee == "weft_cond_timedwait";
  }

  /// The locks each defined function is called with (computeHeld).
  std::map<const Function *, LockSet> EntryHeld;

  void locksHeldAcrossBlocking(std::vector<RaceFinding> &Out) {
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      for (CallBase *CB : G.blockingPoints(F)) {
        if (InSection.count(CB))
          continue; // the atomic-section check reports those
        auto HIt = HeldBefore.find(CB);
        if (HIt == HeldBefore.end() || HIt->second.empty())
          continue;
        LockSet Held = HIt->second;
        Function *Culprit = nullptr;
        G.stateOfCall(*CB, &Culprit);
        // The call at the end of the chain says what it waits for.
        const Function *Leaf = Culprit;
        if (Culprit && !Culprit->isDeclaration())
          for (const ChainStep &Step : G.chainBelow(*Culprit))
            if (Step.Callee)
              Leaf = Step.Callee;
        std::optional<StringRef> Kind = Leaf ? blockingKind(Leaf->getName()) : std::nullopt;
        if (!Kind || !isLongWait(*Kind))
          continue;
        if (Leaf == Culprit && isCondWait(Culprit->getName())) {
          // Waiting releases its own mutex; another one held is a convoy.
          // std::condition_variable gets the std::unique_lock that holds it.
          const bool Std = Culprit->getName().starts_with("_ZNSt");
          std::vector<std::string> Own;
          if (Std && CB->arg_size() > 1) {
            auto G = GuardLocks.find(getUnderlyingObject(CB->getArgOperand(1)));
            if (G != GuardLocks.end())
              Own = G->second;
          } else if (!Std && CB->arg_size() > 1) {
            if (std::optional<std::string> L = lockName(CB->getArgOperand(1)))
              Own.push_back(*L);
          }
          if (Own.empty())
            continue;
          for (const std::string &L : Own)
            Held.erase(L), Held.erase(L + ":r");
        } else if (*Kind == "cond") {
          continue; // inside a helper: which mutex it releases is not known here
        }
        // Locks the function is called with are reported at its callers,
        // where they are taken.
        const LockSet &Inherited = EntryHeld[&F];
        for (auto L = Held.begin(); L != Held.end();)
          L = isArgLock(*L) || Inherited.count(*L) ? Held.erase(L) : std::next(L);
        if (Held.empty())
          continue;
        report(*CB, Culprit, Leaf, *Kind, Held, Out);
      }
    }
  }

  void report(const CallBase &CB, const Function *Culprit, const Function *Leaf, StringRef Kind,
              const LockSet &Held, std::vector<RaceFinding> &Out) {
    std::string Callee = "'" + displayName(Culprit ? Culprit->getName() : "?") + "'";
    SourceLoc At = userLocationOf(CB);
    std::string Locks;
    for (const std::string &L : Held)
      Locks += (Locks.empty() ? "'" : ", '") + L + "'";
    Sink.report(Severity::Warning, At,
                Callee + " may wait (" + Kind.str() + ") while " + Locks +
                    (Held.size() == 1 ? " is" : " are") +
                    " held; every thread that needs " + (Held.size() == 1 ? "it" : "them") +
                    " waits as long (release it before the call, or copy what is needed "
                    "out of the critical section) [weft-lock-held]");
    if (Culprit && Leaf != Culprit)
      for (const ChainStep &Step : G.chainBelow(*Culprit))
        Sink.report(Severity::Note, userLocationOf(*Step.Call),
                    "'" + displayName(Step.Call->getFunction()->getName()) + "' calls " +
                        (Step.Callee ? "'" + displayName(Step.Callee->getName()) + "'"
                                     : std::string("through a pointer")));
    ++NumLockHeld;
    Out.push_back({RaceFinding::LockHeld, *Held.begin(), At, At});
  }

  // ---- order through atomics -----------------------------------------
  //
  // Message passing: a thread writes data, then releases a flag (an atomic
  // store, exchange or compare-exchange with release order or stronger, or
  // the end of a C++ static's guarded initialisation); another acquires the
  // flag (an atomic load or read-modify-write with acquire order or
  // stronger, or the test of the static's guard), branches on what it
  // read, and uses the data. The two uses are ordered. A semaphore posted
  // and waited for, and a byte written to a pipe or socket and read at its
  // other end, order the same way (callSyncObject). weft takes them so
  // when the first is followed on every path to its function's return by
  // a release of the flag, and the second is dominated by a tested acquire
  // of it; a call on the chain from the thread's entry counts for
  // everything under it. It does not check that the branch waits for the
  // released value (a spin loop, a guard test), nor which of the branch's
  // ways the second use is on.

  /// The flag a release or an acquire names: one key per object, whichever
  /// pointer reaches it (its elements and fields are one flag, so that a
  /// release of `flags[0]` meets an acquire of `flags[i]`). A parameter
  /// that every caller (or start) binds to one object names that object,
  /// so a worker's `j->done` and main's `j.done` meet.
  using SyncKey = const Value *;
  SyncKey syncKey(const Value *Ptr) {
    const Value *Obj = resolve(Ptr, M.getDataLayout()).Base;
    if (const auto *A = dyn_cast<Argument>(Obj))
      if (const Place *Bound = boundPlace(*A, /*SameOffset=*/false))
        return Bound->Obj;
    return Obj;
  }

  /// Whether a load is the test of a wait loop: a loop around a wait on a
  /// condition variable, which it leaves on what the load read
  /// (`while (!done) pthread_cond_wait(&c, &m);`).
  bool waitLoopTest(const LoadInst &L) {
    auto [It, New] = WaitTests.try_emplace(&L, false);
    if (!New || !isTested(L))
      return It->second;
    auto NoStop = [](const Instruction &) { return false; };
    for (const Instruction *J : reachableFrom(&L, NoStop))
      if (const auto *CB = dyn_cast<CallBase>(J))
        if (const Function *C = directCallee(*CB); C && isCondWait(C->getName()) &&
                                                   reachableFrom(CB, NoStop).count(&L))
          return WaitTests[&L] = true;
    return false;
  }

  /// The flag a synchronising operation is on, when it releases (or
  /// acquires, when `Acquire`); null otherwise. Besides atomics and the
  /// calls of callSyncObject: a constant stored with a lock held releases
  /// (`done = 1` before the unlock), and the test of a wait loop made with
  /// a lock held acquires (the unlock before the store happens before the
  /// lock after which the waiter saw it).
  SyncKey syncObject(const Instruction &I, bool Acquire) {
    auto Orders = [&](AtomicOrdering O) {
      return Acquire ? isAcquireOrStronger(O) : isReleaseOrStronger(O);
    };
    const Value *Ptr = nullptr;
    if (const auto *S = dyn_cast<StoreInst>(&I); S && !Acquire && S->isAtomic() &&
                                                 Orders(S->getOrdering()))
      Ptr = S->getPointerOperand();
    else if (const auto *L = dyn_cast<LoadInst>(&I); L && Acquire && L->isAtomic() &&
                                                      Orders(L->getOrdering()))
      Ptr = L->getPointerOperand();
    else if (const auto *RMW = dyn_cast<AtomicRMWInst>(&I); RMW && Orders(RMW->getOrdering()))
      Ptr = RMW->getPointerOperand();
    else if (const auto *CX = dyn_cast<AtomicCmpXchgInst>(&I);
             CX && Orders(CX->getSuccessOrdering()))
      Ptr = CX->getPointerOperand();
    else if (const auto *CB = dyn_cast<CallBase>(&I))
      return callSyncObject(*CB, Acquire);
    else if (const auto *S = dyn_cast<StoreInst>(&I); S && !Acquire && !S->isAtomic() &&
                                                      isa<ConstantInt>(S->getValueOperand()) &&
                                                      !HeldBefore.lookup(&I).empty())
      Ptr = S->getPointerOperand();
    else if (const auto *L = dyn_cast<LoadInst>(&I); L && Acquire && !L->isAtomic() &&
                                                     !HeldBefore.lookup(&I).empty() &&
                                                     waitLoopTest(*L))
      Ptr = L->getPointerOperand();
    if (!Ptr)
      return nullptr;
    if (Acquire && !isTested(I))
      return nullptr;
    return syncKey(Ptr);
  }

  /// What a call releases or acquires: a C++ static's guard; a semaphore
  /// (posted, waited for); a pipe, socket or eventfd, by the memory its
  /// descriptor is read from (the two ends of `pipe(fds)` are one object):
  /// a write to it releases, a read from it, which waits for the write,
  /// acquires.
  SyncKey callSyncObject(const CallBase &CB, bool Acquire) {
    const Function *C = directCallee(CB);
    if (!C || CB.arg_size() == 0)
      return nullptr;
    StringRef N = C->getName();
    const Value *Arg = CB.getArgOperand(0);
    auto Is = [&](std::initializer_list<StringRef> Names) { return is_contained(Names, N); };
    if (Acquire ? N == "__cxa_guard_acquire" : N == "__cxa_guard_release")
      return Acquire && !isTested(CB) ? nullptr : syncKey(Arg);
    if (Acquire ? Is({"sem_wait", "sem_timedwait", "sem_clockwait"}) : N == "sem_post")
      return syncKey(Arg);
    if (Acquire ? Is({"read", "recv", "recvfrom", "recvmsg", "readv", "eventfd_read"})
                : Is({"write", "send", "sendto", "sendmsg", "writev", "eventfd_write"}))
      if (const auto *L = dyn_cast<LoadInst>(Arg); L && Arg->getType()->isIntegerTy())
        return syncKey(L->getPointerOperand());
    return nullptr;
  }

  /// Whether a branch depends on what `I` returned (through a few casts,
  /// compares, extracts and logic, and through a local it is kept in).
  static bool isTested(const Instruction &I) {
    SmallVector<std::pair<const Value *, unsigned>, 8> Work{{&I, 0}};
    while (!Work.empty()) {
      auto [V, Depth] = Work.pop_back_val();
      for (const User *U : V->users()) {
        if (isa<BranchInst, SwitchInst>(U))
          return true;
        if (Depth >= 4)
          continue;
        if (isa<CmpInst, CastInst, ExtractValueInst, BinaryOperator, SelectInst>(U))
          Work.push_back({U, Depth + 1});
        else if (const auto *S = dyn_cast<StoreInst>(U); S && S->getValueOperand() == V)
          if (const auto *A = dyn_cast<AllocaInst>(S->getPointerOperand()))
            for (const User *L : A->users())
              if (isa<LoadInst>(L))
                Work.push_back({L, Depth + 1});
      }
    }
    return false;
  }

  /// A direct call of a function that releases (acquires) `Obj` on every
  /// path through it.
  bool callSyncs(const Instruction &I, SyncKey Obj, bool Acquire, unsigned Depth) {
    const auto *CB = dyn_cast<CallBase>(&I);
    const Function *C = CB ? directCallee(*CB) : nullptr;
    if (!C || C->isDeclaration() || Depth >= 3)
      return false;
    auto [It, New] = AlwaysSyncs.try_emplace({C, Obj, Acquire}, false);
    if (!New)
      return It->second;
    bool Every = true;
    if (Acquire) {
      for (const Instruction &J : instructions(*C))
        if (isa<ReturnInst>(J))
          Every &= acquiredFrom(J, Obj, Depth + 1);
    } else {
      const Instruction &First = C->getEntryBlock().front();
      Every = syncObject(First, false) == Obj || publishedBy(First, Obj, Depth + 1);
    }
    return AlwaysSyncs[{C, Obj, Acquire}] = Every;
  }

  /// A switch's default edge that cannot be taken: the switch is on a
  /// counter kept in a local (which is only ever set to constants of at
  /// least 0 or increased by them), after a test of it against a constant
  /// bound with no store of it between, and its cases are every value from
  /// 0 below the bound (`for (i = 0; i < 3; i++) switch (i) { case 0: ...
  /// case 1: ... case 2: ... }`).
  bool deadDefault(const Instruction &Term, const BasicBlock *Succ) {
    const auto *Sw = dyn_cast<SwitchInst>(&Term);
    if (!Sw || Sw->getDefaultDest() != Succ)
      return false;
    for (const auto &Case : Sw->cases())
      if (Case.getCaseSuccessor() == Succ)
        return false;
    const Value *V = Sw->getCondition();
    while (isa<TruncInst, SExtInst, ZExtInst>(V))
      V = cast<CastInst>(V)->getOperand(0);
    const auto *L = dyn_cast<LoadInst>(V);
    const auto *Slot = L ? dyn_cast<AllocaInst>(L->getPointerOperand()) : nullptr;
    if (!Slot)
      return false;
    std::optional<CounterStores> Counter = counterStores(*Slot);
    if (!Counter)
      return false;
    // It never goes below 0.
    for (const StoreInst *S : Counter->Sets)
      if (cast<ConstantInt>(S->getValueOperand())->isNegative())
        return false;
    for (const StoreInst *S : Counter->Steps) {
      const auto *Add = cast<BinaryOperator>(S->getValueOperand());
      if (!Add->hasNoSignedWrap() || cast<ConstantInt>(Add->getOperand(1))->isNegative())
        return false;
    }
    SmallVector<const StoreInst *, 4> Stores(Counter->Sets.begin(), Counter->Sets.end());
    Stores.append(Counter->Steps.begin(), Counter->Steps.end());
    const DominatorTree &DT = dominatorsOf(*Sw->getFunction());
    for (const User *U : Slot->users()) {
      const auto *Test = dyn_cast<LoadInst>(U);
      for (const User *CU : Test ? Test->users() : Slot->users()) {
        const auto *Cmp = Test ? dyn_cast<ICmpInst>(CU) : nullptr;
        const auto *N = Cmp ? dyn_cast<ConstantInt>(Cmp->getOperand(1)) : nullptr;
        if (!N || Cmp->getOperand(0) != Test ||
            (Cmp->getPredicate() != ICmpInst::ICMP_SLT && Cmp->getPredicate() != ICmpInst::ICMP_ULT))
          continue;
        int64_t Bound = N->getSExtValue();
        if (Bound <= 0 || Bound > 256)
          continue;
        for (const User *BU : Cmp->users()) {
          const auto *Br = dyn_cast<BranchInst>(BU);
          if (!Br || !Br->isConditional() ||
              !DT.dominates(BasicBlockEdge(Br->getParent(), Br->getSuccessor(0)),
                            Sw->getParent()))
            continue;
          // No store of the counter on a way from the test to the switch.
          if (llvm::any_of(Stores, [&](const StoreInst *S) {
                return reachableFrom(S, [&](const Instruction &J) { return &J == Br; }).count(Sw);
              }))
            continue;
          bool Covered = true;
          for (int64_t K = 0; K < Bound && Covered; ++K)
            Covered = Sw->findCaseValue(cast<ConstantInt>(
                          ConstantInt::get(Sw->getCondition()->getType(), K))) !=
                      Sw->case_default();
          if (Covered)
            return true;
        }
      }
    }
    return false;
  }

  /// Whether every path from `I` to its function's return releases `Obj`.
  bool publishedBy(const Instruction &I, SyncKey Obj, unsigned Depth = 0) {
    auto [It, New] = Published.try_emplace({&I, Obj}, false);
    if (!New)
      return It->second;
    DenseSet<const Instruction *> Seen = reachableFrom(
        &I,
        [&](const Instruction &J) {
          return syncObject(J, /*Acquire=*/false) == Obj || callSyncs(J, Obj, false, Depth);
        },
        [&](const Instruction &Term, const BasicBlock *Succ) { return !deadDefault(Term, Succ); });
    bool Every = llvm::none_of(Seen, [](const Instruction *J) {
      return isa<ReturnInst, ResumeInst>(J);
    });
    return Published[{&I, Obj}] = Every;
  }

  /// Whether every path from its function's entry to `I` makes a tested
  /// acquire of `Obj` (itself, or in a call that does on every path).
  bool acquiredFrom(const Instruction &I, SyncKey Obj, unsigned Depth = 0) {
    auto [It, New] = Acquired.try_emplace({&I, Obj}, false);
    if (!New)
      return It->second;
    auto Acquires = [&](const Instruction &J) {
      return syncObject(J, /*Acquire=*/true) == Obj || callSyncs(J, Obj, true, Depth);
    };
    bool Every = true;
    SmallPtrSet<const BasicBlock *, 16> Seen;
    // Scan backwards from (and including) each instruction on the list.
    SmallVector<const Instruction *, 8> Work;
    if (const Instruction *P = I.getPrevNode())
      Work.push_back(P);
    else
      Work.push_back(nullptr);
    const BasicBlock *Start = I.getParent();
    while (!Work.empty() && Every) {
      const Instruction *J = Work.pop_back_val();
      const BasicBlock *BB = J ? J->getParent() : Start;
      bool Found = false;
      for (; J && !Found; J = J->getPrevNode())
        Found = Acquires(*J);
      if (Found)
        continue;
      if (BB->isEntryBlock()) {
        Every = false;
        break;
      }
      for (const BasicBlock *P : predecessors(BB))
        if (Seen.insert(P).second)
          Work.push_back(P->getTerminator());
    }
    return Acquired[{&I, Obj}] = Every;
  }

  // ---- what a thread's constant argument rules out ----------------------
  //
  // A thread a start gives a constant (`pthread_create(&t, NULL, reader,
  // NULL)`, or a role: `(void *)1`) does not run code behind a branch that
  // constant decides against (`if (arg) return g;`), nor in what it calls
  // with arguments computed from it. Only direct calls carry constants.

  using ArgConstants = DenseMap<const Argument *, const Constant *>;

  /// V's value when the arguments have the values in C, if it is known.
  const Constant *constantOf(const Value *V, const ArgConstants &C, unsigned Depth = 0) {
    if (const auto *K = dyn_cast<Constant>(V))
      return K;
    if (Depth > 8)
      return nullptr;
    const DataLayout &DL = M.getDataLayout();
    if (const auto *A = dyn_cast<Argument>(V))
      return C.lookup(A);
    if (const auto *L = dyn_cast<LoadInst>(V)) {
      const Value *Held = throughLocal(L);
      return Held != L ? constantOf(Held, C, Depth + 1) : nullptr;
    }
    if (const auto *Cast = dyn_cast<CastInst>(V))
      if (const Constant *O = constantOf(Cast->getOperand(0), C, Depth + 1))
        return ConstantFoldCastOperand(Cast->getOpcode(), const_cast<Constant *>(O),
                                       Cast->getType(), DL);
    if (const auto *Cmp = dyn_cast<CmpInst>(V))
      if (const Constant *L = constantOf(Cmp->getOperand(0), C, Depth + 1))
        if (const Constant *R = constantOf(Cmp->getOperand(1), C, Depth + 1))
          return ConstantFoldCompareInstOperands(Cmp->getPredicate(), const_cast<Constant *>(L),
                                                 const_cast<Constant *>(R), DL);
    return nullptr;
  }

  /// The blocks of F that can run when its arguments have the values in C.
  /// Computed once per function and constants: every access of a thread
  /// started with a constant asks again.
  const DenseSet<const BasicBlock *> &liveBlocks(const Function &F, const ArgConstants &C) {
    std::vector<std::pair<const Argument *, const Constant *>> Key(C.begin(), C.end());
    llvm::sort(Key, [](const auto &A, const auto &B) { return A.first->getArgNo() < B.first->getArgNo(); });
    auto [It, New] = LiveBlocks.try_emplace({&F, std::move(Key)});
    if (!New)
      return It->second;
    DenseSet<const BasicBlock *> &Live = It->second;
    SmallVector<const BasicBlock *, 16> Work{&F.getEntryBlock()};
    while (!Work.empty()) {
      const BasicBlock *BB = Work.pop_back_val();
      if (!Live.insert(BB).second)
        continue;
      const Instruction *T = BB->getTerminator();
      if (const auto *Br = dyn_cast<BranchInst>(T); Br && Br->isConditional())
        if (const auto *K = dyn_cast_or_null<ConstantInt>(constantOf(Br->getCondition(), C))) {
          Work.push_back(Br->getSuccessor(K->isZero() ? 1 : 0));
          continue;
        }
      if (const auto *Sw = dyn_cast<SwitchInst>(T))
        if (const auto *K = dyn_cast_or_null<ConstantInt>(constantOf(Sw->getCondition(), C))) {
          Work.push_back(Sw->findCaseValue(K)->getCaseSuccessor());
          continue;
        }
      for (const BasicBlock *S : successors(BB))
        Work.push_back(S);
    }
    return Live;
  }

  /// Whether `Target` (an instruction of F, or of a function the chain of
  /// functions `Down` leads to from F) can run when F's arguments are C.
  bool canReach(const Function &F, const ArgConstants &C, ArrayRef<const Function *> Down,
                const Instruction &Target, unsigned Depth) {
    if (C.empty() || Depth > 6)
      return true;
    const DenseSet<const BasicBlock *> &Live = liveBlocks(F, C);
    if (Down.empty())
      return Live.count(Target.getParent()) != 0;
    const Function &Next = *Down.front();
    bool Called = false;
    for (const Instruction &I : instructions(F)) {
      const auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || (directCallee(*CB) && directCallee(*CB) != &Next))
        continue;
      if (!directCallee(*CB))
        return true; // a call through a pointer may lead there with anything
      Called = true;
      if (!Live.count(CB->getParent()))
        continue;
      ArgConstants Inner;
      for (unsigned A = 0; A < CB->arg_size() && A < Next.arg_size(); ++A)
        if (const Constant *K = constantOf(CB->getArgOperand(A), C))
          Inner[Next.getArg(A)] = K;
      if (canReach(Next, Inner, Down.drop_front(), Target, Depth + 1))
        return true;
    }
    return !Called; // reached some other way (a table, a handler)
  }

  /// For each start of entry E, whether I can run in the threads it
  /// starts, given the constant it passes them (true when it passes none);
  /// empty for main and exit handlers.
  const std::vector<bool> &sitesRunning(const Instruction &I, size_t E) {
    auto [It, New] = RunsIn.try_emplace({&I, E});
    if (!New)
      return It->second;
    const Entry &En = Entries[E];
    auto Sites = SitesOf.find(En.F);
    std::vector<bool> Out;
    if (En.StartedAt && !En.AtExit && Sites != SitesOf.end()) {
      Out.assign(Sites->second.size(), true);
      std::vector<const Function *> Down;
      std::vector<const Instruction *> Chain = chainOf(I, E);
      for (const Instruction *Step : reverse(Chain))
        if (Step != &I)
          Down.push_back(directCallee(*cast<CallBase>(Step)));
      bool Known = En.F->arg_size() > 0 &&
                   llvm::all_of(Down, [](const Function *F) { return F != nullptr; });
      for (size_t S = 0; S < Sites->second.size() && Known; ++S) {
        const CallBase &CB = *Sites->second[S];
        const auto *K = isThreadStart(CB)
                            ? dyn_cast<Constant>(CB.getArgOperand(3)->stripPointerCasts())
                            : nullptr;
        if (!K)
          continue;
        ArgConstants C;
        C[En.F->getArg(0)] = K;
        Out[S] = canReach(*En.F, C, Down, I, 0);
      }
    }
    return RunsIn[{&I, E}] = std::move(Out);
  }

  /// Whether X (in entry EX) and Y (in EY) can run in two threads at once,
  /// given the constants the starts pass: a thread of each entry that can
  /// run its access, and for one entry, two of its threads (two starts, or
  /// one that starts more than once).
  bool twoThreadsRun(const Instruction &X, size_t EX, const Instruction &Y, size_t EY) {
    std::vector<bool> SX = sitesRunning(X, EX), SY = sitesRunning(Y, EY);
    auto Any = [](const std::vector<bool> &V) { return V.empty() || is_contained(V, true); };
    if (!Any(SX) || !Any(SY))
      return false;
    if (EX != EY || SX.empty())
      return true;
    const Entry &En = Entries[EX];
    const auto &Sites = SitesOf[En.F];
    for (size_t A = 0; A < SX.size(); ++A)
      for (size_t B = 0; B < SY.size(); ++B)
        if (SX[A] && SY[B] && (A != B || En.StartedMore || RepeatingStarts.count(Sites[A])))
          return true;
    return false;
  }

  /// The access and the calls that lead to it from entry E, innermost first.
  std::vector<const Instruction *> chainOf(const Instruction &I, size_t E) {
    std::vector<const Instruction *> Out{&I};
    for (const Function *F = I.getFunction(); F != Entries[E].F && Out.size() < 32;) {
      const CallBase *Via = Reach[E].lookup(F);
      if (!Via)
        break;
      Out.push_back(Via);
      F = Via->getFunction();
    }
    return Out;
  }

  /// Whether X (run in entry EX) is released to Y (run in EY) through an
  /// atomic flag, or Y to X.
  bool orderedByAtomics(const Access &X, size_t EX, const Access &Y, size_t EY) {
    auto Before = [&](const Access &A, size_t EA, const Access &B, size_t EB) {
      std::vector<const Instruction *> To = chainOf(*B.I, EB);
      for (const Instruction *From : chainOf(*A.I, EA))
        for (const Instruction &R : instructions(*From->getFunction()))
          if (SyncKey Obj = syncObject(R, /*Acquire=*/false))
            if (publishedBy(*From, Obj) &&
                llvm::any_of(To, [&](const Instruction *T) { return acquiredFrom(*T, Obj); }))
              return true;
      return false;
    };
    return Before(X, EX, Y, EY) || Before(Y, EY, X, EX);
  }

  // ---- thread entries and data races ---------------------------------

  struct Entry {
    const Function *F = nullptr;
    bool Multi = false;
    const Instruction *StartedAt = nullptr; // a spawn call, or null for main
    /// A handler atexit, at_quick_exit or on_exit registered (StartedAt):
    /// it runs in main's thread once main ends, beside the threads still
    /// running then.
    bool AtExit = false;
    /// Started by code that itself runs more than once, or from two entries.
    bool StartedMore = false;
  };

  /// Registrations of exit handlers (the handler is argument 0).
  static bool isAtExitName(StringRef N) {
    return N == "atexit" || N == "at_quick_exit" || N == "on_exit";
  }

  /// The functions that call one of the declarations `Match` accepts
  /// (found through their uses, not by reading every instruction).
  template <typename MatchFn> DenseSet<const Function *> callersOf(MatchFn Match) {
    DenseSet<const Function *> Out;
    for (const Function &D : M)
      if (Match(D.getName()))
        for (const User *U : D.users())
          if (const auto *CB = dyn_cast<CallBase>(U))
            Out.insert(CB->getFunction());
    return Out;
  }

  void findEntries() {
    std::map<const Function *, std::vector<const CallBase *>> &Sites = SitesOf;
    DenseSet<const Function *> Starters = callersOf(isThreadStartName);
    for (const Function &F : M)
      for (const Instruction &I : instructions(F)) {
        if (!Starters.count(&F))
          break;
        const auto *CB = dyn_cast<CallBase>(&I);
        if (!CB || !isThreadStart(*CB))
          continue;
        if (const auto *E = dyn_cast<Function>(CB->getArgOperand(2)->stripPointerCasts())) {
          if (!E->isDeclaration())
            Sites[E].push_back(CB);
          else
            ExternalStarts.push_back(CB); // an entry another unit defines
          continue;
        }
        // A routine read from a table: any function the table holds.
        const auto *L = dyn_cast<LoadInst>(throughLocal(CB->getArgOperand(2)));
        const auto *Table = L ? dyn_cast<GlobalVariable>(
                                    resolve(L->getPointerOperand(), M.getDataLayout()).Base)
                              : nullptr;
        if (!Table || !Table->hasInitializer())
          continue;
        SmallVector<const Constant *, 8> Work{Table->getInitializer()};
        while (!Work.empty()) {
          const Constant *C = Work.pop_back_val();
          if (const auto *E = dyn_cast<Function>(C->stripPointerCasts())) {
            if (!E->isDeclaration())
              Sites[E].push_back(CB);
          } else if (isa<ConstantAggregate>(C)) {
            for (const Use &Op : C->operands())
              Work.push_back(cast<Constant>(Op.get()));
          }
        }
      }
    // What the starts pass to their threads: locals and heap memory that
    // become shared.
    for (auto &[E, S] : Sites)
      for (const CallBase *CB : S) {
        Resolved R = resolve(CB->getArgOperand(3), M.getDataLayout());
        const Value *Base = R.Base;
        if (isa<AllocaInst>(Base) || isAllocation(Base))
          PassedObjects.insert(Base);
        // A thread-local's address is a pointer to the starter's own copy.
        else if (const auto *GV = dyn_cast<GlobalVariable>(Base); GV && GV->isThreadLocal())
          PassedObjects.insert(Base);
        // A parameter, or a pointer read from memory other than a shared
        // global's (a result kept in a local): one object for the threads
        // it is passed to. Not at a variable index (`&p->slots[i]`, each
        // thread's own element in the usual loop), which is not followed.
        else if (!R.Known)
          continue;
        else if (isa<Argument>(Base))
          PassedObjects.insert(Base);
        else if (const auto *L = dyn_cast<LoadInst>(Base)) {
          // Read from a local: what the local points to, whichever load
          // reads it (each use at -O0 is a load of its own).
          const Value *From = resolve(L->getPointerOperand(), M.getDataLayout()).Base;
          if (isa<AllocaInst>(From))
            PassedPointees.insert(From);
          else if (!sharedGlobal(From))
            PassedObjects.insert(Base);
        }
      }
    // std::thread: the run function of a state type is an entry, started
    // where the program calls the std::thread constructor that makes that
    // state (its instantiation calls _M_start_thread).
    DenseSet<const Function *> ThreadCtors = callersOf(
        [](StringRef N) { return N.starts_with("_ZNSt6thread15_M_start_thread"); });
    for (const Function &Ctor : M) {
      if (Ctor.isDeclaration() || !ThreadCtors.count(&Ctor))
        continue;
      bool Starts = false;
      std::vector<StringRef> States;
      for (const Instruction &I : instructions(Ctor))
        if (const auto *CB = dyn_cast<CallBase>(&I))
          if (const Function *C = directCallee(*CB)) {
            Starts |= C->getName().starts_with("_ZNSt6thread15_M_start_thread");
            if (C->getName().starts_with("_ZNSt6thread11_State_implI"))
              States.push_back(C->getName());
          }
      if (!Starts)
        continue;
      for (const Function &Run : M) {
        StringRef R = Run.getName();
        if (Run.isDeclaration() || !R.starts_with("_ZNSt6thread11_State_implI") ||
            !R.ends_with("6_M_runEv"))
          continue;
        StringRef Class = R.drop_back(strlen("6_M_runEv"));
        if (llvm::any_of(States, [&](StringRef S) { return S.starts_with(Class); }))
          for (const User *U : Ctor.users())
            if (const auto *CB = dyn_cast<CallBase>(U))
              for (const CallBase *Start : programStarts(*CB)) {
                Sites[&Run].push_back(Start);
                followStdThread(Run, *Start);
              }
      }
    }
    // Functions that start threads, directly or through their calls: a
    // call to one is where main stops running alone.
    for (auto &[E, S] : Sites)
      for (const CallBase *CB : S)
        Spawning.insert(CB->getFunction());
    for (const CallBase *CB : ExternalStarts) {
      Spawning.insert(CB->getFunction());
      SpawnCalls.insert(CB);
    }
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (const Function &F : M)
        if (!F.isDeclaration() && !Spawning.count(&F))
          for (const CallSite &CS : G.callSites(F))
            for (const Function *C : CS.Callees)
              if (Spawning.count(C) && Spawning.insert(&F).second)
                Changed = true;
    }
    if (const Function *Main = M.getFunction("main"); Main && !Main->isDeclaration()) {
      Entries.push_back({Main, false, nullptr});
      for (const Instruction &I : instructions(*Main))
        if (const auto *CB = dyn_cast<CallBase>(&I))
          for (const CallSite &CS : G.callSites(*Main))
            if (CS.Call == CB)
              for (const Function *C : CS.Callees)
                if (Spawning.count(C))
                  SpawnCalls.insert(CB);
    }
    for (const Function &D : M)
      if (D.getName() == "pthread_atfork")
        for (const User *U : D.users())
          if (const auto *CB = dyn_cast<CallBase>(U); CB && CB->arg_size() >= 2)
            for (unsigned A : {0u, 1u}) // prepare, parent (child is another process)
              if (const auto *H =
                      dyn_cast<Function>(CB->getArgOperand(A)->stripPointerCasts());
                  H && !H->isDeclaration() && !llvm::is_contained(ForkHandlers, H))
                ForkHandlers.push_back(H);
    for (const Function &D : M)
      if (isAtExitName(D.getName()))
        for (const User *U : D.users())
          if (const auto *CB = dyn_cast<CallBase>(U); CB && CB->arg_size() >= 1)
            if (const auto *H = dyn_cast<Function>(CB->getArgOperand(0)->stripPointerCasts());
                H && !H->isDeclaration()) {
              Entry En{H, false, CB};
              En.AtExit = true;
              Entries.push_back(En);
            }
    for (auto &[E, S] : Sites) {
      Entry En{E, S.size() > 1, S.front()};
      for (const CallBase *CB : S) {
        // In a loop that does not join it before starting it again.
        const Value *H = handleOf(*CB);
        DenseSet<const Instruction *> After =
            reachableFrom(CB, [&](const Instruction &J) { return joins(J, H); });
        En.Multi |= After.count(CB) != 0;
        if (After.count(CB))
          RepeatingStarts.insert(CB);
        SpawnCalls.insert(CB);
      }
      Entries.push_back(En);
    }
    NumThreadEntries += Entries.size();
    for (const Entry &E : Entries)
      EntryFunctions.insert(E.F);
    findAloneHelpers();
    // What each entry reaches, with the call that first reaches each function.
    for (size_t I = 0; I < Entries.size(); ++I) {
      std::vector<const Function *> Work{Entries[I].F};
      auto &Via = Reach[I];
      Via[Entries[I].F] = nullptr;
      // What a std::thread runs with its arguments: its state's run
      // function calls it (through a pointer the graph cannot tell).
      if (auto Starts = SitesOf.find(Entries[I].F); Starts != SitesOf.end())
        for (auto &[Fn, Ctors] : FunctionStarts)
          if (llvm::any_of(Ctors, [&](const CallBase *C) { return is_contained(Starts->second, C); }) &&
              Via.try_emplace(Fn, nullptr).second)
            Work.push_back(Fn);
      while (!Work.empty()) {
        const Function *F = Work.back();
        Work.pop_back();
        // fork() runs the handlers pthread_atfork registered for the parent.
        if (!ForkHandlers.empty())
          for (const Instruction &J : instructions(*F))
            if (const auto *CB = dyn_cast<CallBase>(&J);
                CB && directCallee(*CB) && directCallee(*CB)->getName() == "fork" &&
                !(Entries[I].F->getName() == "main" && alone(*CB)))
              for (const Function *H : ForkHandlers)
                if (Via.try_emplace(H, CB).second)
                  Work.push_back(H);
        for (const CallSite &CS : G.callSites(*F)) {
          // Calls main (or a helper only it calls) makes while it runs
          // alone; a helper that starts threads is entered all the same.
          if (Entries[I].F->getName() == "main" && alone(*CS.Call) &&
              !llvm::all_of(CS.Callees, [&](const Function *C) { return AloneHelpers.count(C); }))
            continue;
          for (const Function *C : CS.Callees)
            // A thread entry is started, not called through a pointer.
            if (!C->isDeclaration() &&
                !(CS.Indirect && (EntryFunctions.count(C) || FunctionStarts.count(C))) &&
                Via.try_emplace(C, CS.Call).second)
              Work.push_back(C);
        }
      }
    }
    // An entry started by a thread that is itself started more than once,
    // or by two entries, runs more than once.
    for (Entry &E : Entries) {
      if (!E.StartedAt)
        continue;
      unsigned Starters = 0;
      for (size_t I = 0; I < Entries.size(); ++I)
        if (Reach[I].count(E.StartedAt->getFunction()))
          Starters += 1 + Entries[I].Multi;
      E.Multi |= Starters > 1;
      E.StartedMore = Starters > 1;
    }
  }

  /// Where the program starts the thread a std::thread constructor call
  /// makes: the call itself in the program's code, or, for one inside the
  /// C++ library (std::jthread's constructor, std::async), the program's
  /// calls of the library function that leads to it.
  SmallVector<const CallBase *, 2> programStarts(const CallBase &CB, unsigned Depth = 0) {
    const Function &F = *CB.getFunction();
    if (!isLibraryFunction(F))
      return {&CB};
    // std::async reaches the constructor through a dozen library frames
    // (make_shared, the allocator, the state's constructor).
    auto [It, New] = LibraryStarts.try_emplace(&F);
    if (!New || Depth >= 16)
      return It->second;
    SmallVector<const CallBase *, 2> Out;
    for (const User *U : F.users())
      if (const auto *Up = dyn_cast<CallBase>(U); Up && Up->getCalledOperand() == &F)
        for (const CallBase *S : programStarts(*Up, Depth + 1))
          if (!is_contained(Out, S) && !isDeferredAsync(*S))
            Out.push_back(S);
    LibraryStarts[&F] = Out; // a std::map: It is still valid
    return Out;
  }

  /// A function of the C++ library (namespace std).
  static bool isLibraryFunction(const Function &F) {
    StringRef N = F.getName();
    return N.starts_with("_ZNSt") || N.starts_with("_ZNKSt") || N.starts_with("_ZSt") ||
           N.starts_with("_ZZNSt") || N.starts_with("_ZZNKSt") || N.starts_with("_ZZSt");
  }

  /// The argument of a start that holds the callable: the first pointer
  /// after the handle (std::async's is after its launch policy).
  static unsigned callableArg(const CallBase &Start) {
    for (unsigned K = 1; K < Start.arg_size(); ++K)
      if (Start.getArgOperand(K)->getType()->isPointerTy())
        return K;
    return 1;
  }

  /// What a std::thread's callable is given by pointer: the pointers the
  /// starter stores into the callable and into the temporaries it passes
  /// the constructor for its arguments (`[&] { n++; }`, `std::thread(f,
  /// &x)`) become objects the thread shares with the starter; and the
  /// loads, in the code the thread runs, of a pointer kept in its state
  /// (reached from the state's `this` through the library's calls, the
  /// arguments they pass on and the references they return) read one of
  /// them. A by-value capture is the thread's own copy: not shared.
  void followStdThread(const Function &Run, const CallBase &Ctor) {
    const DataLayout &DL = M.getDataLayout();
    auto &Objects = Captured[&Ctor];
    for (unsigned K = 1; K < Ctor.arg_size(); ++K) {
      if (!Ctor.getArgOperand(K)->getType()->isPointerTy())
        continue; // std::async's launch policy
      const Value *Temp = resolve(Ctor.getArgOperand(K), DL).Base;
      if (!isa<AllocaInst>(Temp))
        continue;
      for (const Instruction &I : instructions(*Ctor.getFunction()))
        if (const auto *S = dyn_cast<StoreInst>(&I);
            S && S->getValueOperand()->getType()->isPointerTy()) {
          Resolved Into = resolve(S->getPointerOperand(), DL);
          const Value *B = resolve(S->getValueOperand(), DL).Base;
          if (Into.Base != Temp || !(isa<AllocaInst>(B) || isAllocation(B)))
            continue;
          Capture C{K, Into.Known ? Into.Off : -1, B};
          if (!is_contained(Objects, C))
            Objects.push_back(C);
          PassedObjects.insert(B);
        }
    }
    // A function the thread calls with the arguments (`std::thread(f, &x)`):
    // its parameters get what the temporaries hold.
    if (const auto *F = dyn_cast<Function>(resolve(Ctor.getArgOperand(callableArg(Ctor)), DL).Base);
        F && !F->isDeclaration())
      FunctionStarts[F].push_back(&Ctor);
    if (Objects.empty() || Run.arg_size() == 0)
      return;
    SmallVector<const Value *, 16> Work{Run.getArg(0)};
    DenseSet<const Value *> Seen;
    while (!Work.empty() && Seen.size() < 1024) {
      const Value *V = Work.pop_back_val();
      if (!Seen.insert(V).second)
        continue;
      for (const User *U : V->users()) {
        if (isa<GetElementPtrInst, BitCastInst>(U)) {
          Work.push_back(U);
        } else if (const auto *L = dyn_cast<LoadInst>(U)) {
          if (L->getType()->isPointerTy()) {
            Resolved From = resolve(L->getPointerOperand(), DL);
            CaptureLoads.try_emplace(L, &Ctor, From.Known ? From.Off : -1);
          }
        } else if (const auto *S = dyn_cast<StoreInst>(U)) {
          // Kept in a local and read back (every parameter, before SROA).
          if (S->getValueOperand() == V)
            if (const auto *A = dyn_cast<AllocaInst>(S->getPointerOperand()))
              for (const User *AU : A->users())
                if (isa<LoadInst>(AU))
                  Work.push_back(AU);
        } else if (const auto *CB = dyn_cast<CallBase>(U)) {
          const Function *C = directCallee(*CB);
          if (!C || C->isDeclaration())
            continue;
          for (unsigned K = 0; K < CB->arg_size() && K < C->arg_size(); ++K) {
            if (CB->getArgOperand(K) != V)
              continue;
            Work.push_back(C->getArg(K));
            if (returnsArgument(*C, K))
              Work.push_back(CB);
          }
        }
      }
    }
  }

  /// The objects a std::thread start's callable was given at offset Off
  /// of the callable (or of an argument): those stored there, or, when
  /// that is not known, all of them.
  SmallVector<const Value *, 4> capturedAt(const CallBase &Ctor, int64_t Off) {
    SmallVector<const Value *, 4> At, All;
    for (const Capture &C : Captured[&Ctor]) {
      if (!is_contained(All, C.Obj))
        All.push_back(C.Obj);
      if (Off >= 0 && C.Off == Off && !is_contained(At, C.Obj))
        At.push_back(C.Obj);
    }
    return At.empty() ? All : At;
  }

  /// Whether F returns its argument K or a pointer into what it points to
  /// (std::get, std::forward, a member accessor), also through calls that
  /// return theirs.
  bool returnsArgument(const Function &F, unsigned K, unsigned Depth = 0) {
    if (Depth > 8)
      return false;
    bool Any = false;
    for (const Instruction &I : instructions(F))
      if (const auto *R = dyn_cast<ReturnInst>(&I)) {
        const Value *V = R->getReturnValue();
        if (!V || !V->getType()->isPointerTy())
          return false;
        V = resolve(V, M.getDataLayout()).Base;
        // Through a call that returns one of its arguments.
        while (const auto *CB = dyn_cast<CallBase>(V)) {
          const Function *C = directCallee(*CB);
          unsigned J = 0;
          while (C && !C->isDeclaration() && J < CB->arg_size() &&
                 !(CB->getArgOperand(J)->getType()->isPointerTy() &&
                   returnsArgument(*C, J, Depth + 1)))
            ++J;
          if (!C || C->isDeclaration() || J == CB->arg_size())
            break;
          V = resolve(CB->getArgOperand(J), M.getDataLayout()).Base;
        }
        if (V != F.getArg(K))
          return false;
        Any = true;
      }
    return Any;
  }

  /// Whether code of entries A and B may run at the same time: two
  /// entries, or one started more than once. An exit handler runs after
  /// main, and after every thread main has joined when it returns alone,
  /// but beside the threads it starts itself.
  bool parallel(size_t A, size_t B) {
    if (A == B)
      return Entries[A].Multi;
    for (auto [X, Y] : {std::pair(A, B), std::pair(B, A)}) {
      if (!Entries[X].AtExit)
        continue;
      if (!Entries[Y].StartedAt || Entries[Y].AtExit)
        return false;
      if (mainEndsAlone() && !Reach[X].count(Entries[Y].StartedAt->getFunction()))
        return false;
    }
    return true;
  }

  /// Whether main returns with no thread it started still running.
  bool mainEndsAlone() {
    const Function *Main = M.getFunction("main");
    if (!Main || Main->isDeclaration())
      return false;
    for (const Instruction &I : instructions(*Main))
      if (isa<ReturnInst>(I) && !alone(I))
        return false;
    return true;
  }

  /// An instruction of main that no thread it started may run beside:
  /// not reached from a start without a join of that start's handle on
  /// the way, or reached from such a join before main starts a thread
  /// again. A start or join whose handle is not known matches any.
  bool alone(const Instruction &I) {
    const Function &F = *I.getFunction();
    if (F.getName() != "main" && !AloneHelpers.count(&F))
      return false;
    return !concurrentIn(F).count(&I);
  }

  /// The code of main, or of a helper only main's alone code calls, that
  /// threads it started may run beside (see alone).
  const DenseSet<const Instruction *> &concurrentIn(const Function &F) {
    auto [It, New] = Concurrent.try_emplace(&F);
    if (!New)
      return It->second;
    DenseSet<const Instruction *> Out, Starts;
    for (const CallSite &CS : G.callSites(F))
      if (SpawnCalls.count(CS.Call) ||
          llvm::any_of(CS.Callees, [&](const Function *C) { return Spawning.count(C); }))
        Starts.insert(CS.Call);
    for (const Instruction *S : SpawnCalls)
      if (S->getFunction() == &F)
        Starts.insert(S);
    auto IsStart = [&](const Instruction &J) { return Starts.count(&J) != 0; };
    for (const Instruction &S : instructions(F)) {
      if (!IsStart(S))
        continue;
      // A join of another thread's handle does not end this one.
      const Value *H = handleOf(cast<CallBase>(S));
      auto Ends = [&](const Instruction &J) {
        if (!isJoin(J))
          return false;
        const Value *HJ = handleOf(cast<CallBase>(J));
        return !H || !HJ || H == HJ;
      };
      DenseSet<const Instruction *> Running = reachableFrom(&S, Ends);
      // After a join of it, until the function starts a thread again.
      for (const Instruction &J : instructions(F))
        if (Ends(J))
          for (const Instruction *A : reachableFrom(&J, IsStart))
            if (!IsStart(*A))
              Running.erase(A);
      for (const Instruction *R : Running)
        Out.insert(R);
    }
    return Concurrent[&F] = std::move(Out);
  }

  /// The helpers that start threads and that only main calls, and only
  /// while it runs alone (`static void start_workers(void)` called before
  /// main starts any thread), or only such helpers call: each runs alone
  /// until it starts a thread itself (alone), and threads run beside what
  /// follows. Static and called directly only, so no other code (another
  /// unit, a pointer) calls them.
  void findAloneHelpers() {
    const Function *Main = M.getFunction("main");
    if (!Main || Main->isDeclaration())
      return;
    std::map<const Function *, std::vector<const CallBase *>> CallsOf;
    for (const Function &F : M)
      if (!F.isDeclaration())
        for (const CallSite &CS : G.callSites(F))
          for (const Function *C : CS.Callees)
            CallsOf[C].push_back(CS.Call);
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (const Function &F : M) {
        if (F.isDeclaration() || &F == Main || !F.hasLocalLinkage() || !Spawning.count(&F) ||
            AloneHelpers.count(&F) || EntryFunctions.count(&F) ||
            F.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                              /*IgnoreAssumeLikeCalls=*/true, /*IgnoreLLVMUsed=*/true))
          continue;
        const auto &Calls = CallsOf[&F];
        if (!Calls.empty() && llvm::all_of(Calls, [&](const CallBase *CB) {
              const Function *Caller = CB->getFunction();
              return CB->getCalledOperand() == &F &&
                     (Caller == Main || AloneHelpers.count(Caller)) && alone(*CB);
            })) {
          AloneHelpers.insert(&F);
          Changed = true;
        }
      }
    }
  }

  /// Code no thread can run beside: main's while it runs alone, and any
  /// function only that code calls (reached from no entry).
  bool runsAlone(const Instruction &I) {
    if (I.getFunction()->getName() == "main" || AloneHelpers.count(I.getFunction()))
      return alone(I);
    if (!OnlyMainAlone) {
      // Everything another unit, a pointer or a thread may reach.
      OnlyMainAlone.emplace();
      DenseSet<const Function *> Shared;
      std::vector<const Function *> Work;
      for (const Function &F : M)
        if (!F.isDeclaration() && F.getName() != "main" &&
            (!F.hasLocalLinkage() || F.hasAddressTaken()) && Shared.insert(&F).second)
          Work.push_back(&F);
      for (auto &[E, Via] : Reach)
        for (auto &[F, Call] : Via)
          if (F->getName() != "main" && Shared.insert(F).second)
            Work.push_back(F);
      while (!Work.empty()) {
        const Function *F = Work.back();
        Work.pop_back();
        for (const CallSite &CS : G.callSites(*F))
          for (const Function *C : CS.Callees)
            if (!C->isDeclaration() && Shared.insert(C).second)
              Work.push_back(C);
      }
      for (const Function &F : M)
        if (!F.isDeclaration() && !Shared.count(&F))
          OnlyMainAlone->insert(&F);
    }
    return OnlyMainAlone->count(I.getFunction()) != 0;
  }

  /// The thread handle a start or a join names (`&t` of pthread_create,
  /// the `t` pthread_join reads, the std::thread object), if known.
  const Value *handleOf(const CallBase &CB) {
    const Value *At = handleAddress(CB);
    return At ? resolve(At, M.getDataLayout()).Base : nullptr;
  }

  /// The struct field a thread handle is kept in: the innermost field the
  /// address selects, or, where it points at a whole struct (an element
  /// of an array of them, its first field's GEP folded away), that struct's
  /// first scalar field.
  static std::optional<std::string> handleField(const Value &At) {
    if (std::optional<std::string> F = fieldName(&At))
      return F;
    const auto *GEP = dyn_cast<GEPOperator>(At.stripPointerCasts());
    if (!GEP)
      return std::nullopt;
    Type *T = GEP->getSourceElementType();
    for (auto Idx = GEP->idx_begin() + 1; Idx != GEP->idx_end() && T; ++Idx)
      T = isa<ArrayType>(T) ? cast<ArrayType>(T)->getElementType() : nullptr;
    auto *S = dyn_cast_or_null<StructType>(T);
    while (S && S->getNumElements() > 0 && isa<StructType>(S->getElementType(0)))
      S = cast<StructType>(S->getElementType(0));
    if (!S || S->getNumElements() == 0 || !S->getElementType(0)->isIntegerTy())
      return std::nullopt;
    return fieldLocation(S, 0);
  }

  /// Where the handle a start writes, or a join reads, is kept (`&t` of
  /// pthread_create, where the `t` pthread_join reads comes from, the
  /// std::thread object).
  static const Value *handleAddress(const CallBase &CB) {
    const Function *C = directCallee(CB);
    if (!C || CB.arg_size() == 0)
      return nullptr;
    StringRef N = C->getName();
    if (N == "pthread_create" || N == "weft_spawn" || N.starts_with("_ZNSt6threadC") ||
        isJoinByHandleName(N) || isLibraryThreadStart(CB))
      return CB.getArgOperand(0);
    if (N == "pthread_join" || N == "weft_join")
      if (const auto *L = dyn_cast<LoadInst>(CB.getArgOperand(0)))
        return L->getPointerOperand();
    return nullptr;
  }

  /// Whether J joins the thread whose handle is H (a known one).
  bool joins(const Instruction &J, const Value *H) {
    return H && isJoin(J) && handleOf(cast<CallBase>(J)) == H;
  }

  static bool isJoin(const Instruction &I) {
    const auto *CB = dyn_cast<CallBase>(&I);
    const Function *C = CB ? directCallee(*CB) : nullptr;
    return C && (C->getName() == "pthread_join" || C->getName() == "weft_join" ||
                 isJoinByHandleName(C->getName()));
  }

  /// The entries (indexes) that reach the access, none if it runs alone.
  std::vector<size_t> entriesOf(const Instruction &I) {
    std::vector<size_t> Out;
    if (alone(I))
      return Out;
    for (size_t E = 0; E < Entries.size(); ++E)
      if (Reach[E].count(I.getFunction()))
        Out.push_back(E);
    return Out;
  }

  /// A place an instruction touches, and whether it writes there.
  struct Touch {
    Place Where;
    bool Write;
    const Value *Ptr;
  };

  /// The places an access may touch: a shared global's; memory a shared
  /// global points to; memory passed to threads (a local or heap block a
  /// start passes), reached in the function that passed it, through the
  /// entry's parameter, or through the parameters of the functions they
  /// call directly. A call touches what its arguments point to
  /// (MemoryEffects.h).
  SmallVector<Touch, 2> touchesOf(const Instruction &I) {
    SmallVector<Touch, 2> Out;
    const DataLayout &DL = M.getDataLayout();
    const bool Call = isa<CallBase>(I);
    auto Add = [&](const Value *Ptr, int64_t Size, bool Write, bool Atomic) {
      if (Place G = placeOf(Ptr, Size, DL); G.Obj) {
        G.Atomic = Atomic;
        G.Call = Call, G.Sync = Call && Atomic;
        Out.push_back({G, Write, Ptr});
        return;
      }
      Place Proto;
      Proto.Call = Call, Proto.Sync = Call && Atomic;
      Proto.Atomic = Atomic;
      Proto.Size = Size >= 0 ? Size : ToTheEnd;
      SmallVector<Place, 2> Places;
      pointerPlaces(Ptr, 0, true, Proto, &I, 0, Places);
      for (const Place &P : Places)
        Out.push_back({P, Write, Ptr});
    };
    if (const auto *CB = dyn_cast<CallBase>(&I)) {
      for (const CallAccess &A : callAccesses(*CB))
        Add(A.Ptr, A.Size, A.Write, A.Atomic);
      return Out;
    }
    const Value *Ptr = nullptr;
    Type *Ty = nullptr;
    bool Atomic = false;
    if (accessOf(I, Ptr, Ty, Atomic) && Ty->isSized())
      Add(Ptr, storeSize(Ty, DL), isWrite(I), Atomic);
    return Out;
  }

  void pointerPlaces(const Value *Ptr, int64_t Off, bool Known, const Place &Proto,
                     const Instruction *At, unsigned Depth, SmallVectorImpl<Place> &Out,
                     IndexValueFn IndexValue = nullptr) {
    const DataLayout &DL = M.getDataLayout();
    Resolved R = resolve(Ptr, DL, IndexValue);
    // The offset R and Off give, into a place reached at offset 0.
    auto Offset = [&](Place &P) {
      P.Off = Off + R.Off;
      P.Known = Known && (R.Known || R.Stride);
      P.Stride = R.Stride, P.Lo = R.Lo, P.Hi = R.Hi;
      if (P.Stride && P.Lo != NoLowerBound)
        P.Lo += Off, P.Hi += Off;
    };
    auto Add = [&](const Value *Obj, bool Deref) {
      Place P = Proto;
      P.Obj = Obj, P.Deref = Deref;
      Offset(P);
      Out.push_back(P);
    };
    if (isa<GlobalVariable>(R.Base) && sharedGlobal(R.Base))
      return Add(R.Base, false);
    if (auto It = CaptureLoads.find(R.Base); It != CaptureLoads.end()) {
      // A pointer a std::thread's callable was given.
      const CallBase *Ctor = It->second.first;
      for (const Value *Obj : capturedAt(*Ctor, It->second.second)) {
        Place P = Proto;
        P.Obj = Obj, P.Site = Ctor, P.OneThread = oneThread(*Ctor, Obj);
        Offset(P);
        Out.push_back(P);
      }
      return;
    }
    if (PassedObjects.count(R.Base)) {
      if (!At || (!notYetShared(*At, R.Base) && !elementNotYetPassed(*At, Ptr)))
        Add(R.Base, false);
      return;
    }
    if (const auto *L = dyn_cast<LoadInst>(R.Base)) {
      // The block a shared global points to: the same for every thread.
      Resolved From = resolve(L->getPointerOperand(), DL);
      if (PassedPointees.count(From.Base) && From.Known)
        return Add(From.Base, true);
      if (isa<GlobalVariable>(From.Base) && sharedGlobal(From.Base) && From.Known)
        Add(From.Base, true);
      return;
    }
    const auto *A = dyn_cast<Argument>(R.Base);
    if (!A)
      return;
    SmallVector<Place, 2> Correlated;
    const bool Correlates = At && correlatedPlaces(*A, *At, Depth, Correlated);
    for (Place P : Correlates ? Correlated : argumentPlaces(*A, Depth)) {
      P.Atomic = Proto.Atomic, P.Size = Proto.Size;
      P.Call = Proto.Call, P.Sync = Proto.Sync;
      const int64_t D = Off + R.Off;
      P.Off += D;
      P.Known = P.Known && Known && (R.Known || R.Stride);
      if (R.Stride) {
        // An index into what the parameter points to: anywhere in the object.
        P.Stride = std::gcd(P.Stride, R.Stride);
        P.Lo = NoLowerBound, P.Hi = NoUpperBound;
      } else if (P.Stride && P.Lo != NoLowerBound) {
        // The caller's element at a variable index, and bytes from there.
        P.Lo += std::min<int64_t>(D, 0);
        P.Hi += std::max<int64_t>(D, 0) + P.Size;
      }
      Out.push_back(P);
    }
  }

  /// The integer parameters of At's function that every path to At has
  /// tested equal to a constant: the taken edge of `p == K` (or the other
  /// edge of `p != K`), a `switch` case.
  SmallVector<std::pair<unsigned, int64_t>, 2> testedParameters(const Instruction &At) {
    SmallVector<std::pair<unsigned, int64_t>, 2> Out;
    const DominatorTree &DT = dominatorsOf(*At.getFunction());
    auto ParamOf = [](const Value *V) -> const Argument * {
      if (const auto *L = dyn_cast<LoadInst>(V))
        V = throughLocal(L); // a parameter kept in its local (before SROA)
      const auto *A = dyn_cast<Argument>(V);
      return A && A->getType()->isIntegerTy() ? A : nullptr;
    };
    const BasicBlock *BB = At.getParent();
    for (const DomTreeNode *N = DT.getNode(BB); N && N->getIDom(); N = N->getIDom()) {
      const BasicBlock *Test = N->getIDom()->getBlock();
      auto Edge = [&](const BasicBlock *Succ) {
        return DT.dominates(BasicBlockEdge(Test, Succ), BB);
      };
      if (const auto *Br = dyn_cast<BranchInst>(Test->getTerminator());
          Br && Br->isConditional()) {
        const auto *Cmp = dyn_cast<ICmpInst>(Br->getCondition());
        const auto *K = Cmp ? dyn_cast<ConstantInt>(Cmp->getOperand(1)) : nullptr;
        const Argument *A = Cmp ? ParamOf(Cmp->getOperand(0)) : nullptr;
        if (!K || !A)
          continue;
        if ((Cmp->getPredicate() == ICmpInst::ICMP_EQ && Edge(Br->getSuccessor(0))) ||
            (Cmp->getPredicate() == ICmpInst::ICMP_NE && Edge(Br->getSuccessor(1))))
          Out.push_back({A->getArgNo(), K->getSExtValue()});
      } else if (const auto *Sw = dyn_cast<SwitchInst>(Test->getTerminator())) {
        const Argument *A = ParamOf(Sw->getCondition());
        for (const auto &Case : Sw->cases())
          if (A && Case.getCaseSuccessor() != Sw->getDefaultDest() &&
              Edge(Case.getCaseSuccessor()))
            Out.push_back({A->getArgNo(), Case.getCaseValue()->getSExtValue()});
      }
    }
    return Out;
  }

  /// Whether two values at a call are the same number: one value, or two
  /// loads of one local in one block with nothing that writes between.
  static bool sameNumber(const Value *X, const Value *Y) {
    if (X == Y)
      return true;
    const auto *LX = dyn_cast<LoadInst>(X), *LY = dyn_cast<LoadInst>(Y);
    if (!LX || !LY || LX->getPointerOperand() != LY->getPointerOperand() ||
        LX->getParent() != LY->getParent() || !isa<AllocaInst>(LX->getPointerOperand()))
      return false;
    if (LY->comesBefore(LX))
      std::swap(LX, LY);
    for (const Instruction *I = LX->getNextNode(); I != LY; I = I->getNextNode())
      if (I->mayWriteToMemory())
        return false;
    return true;
  }

  /// The value of an index computed at a call from what it passes for the
  /// tested parameters (Tested: argument number and constant).
  static std::optional<int64_t>
  indexAt(const Value *V, const CallBase &CB,
          ArrayRef<std::pair<unsigned, int64_t>> Tested, unsigned Depth = 0) {
    if (const auto *C = dyn_cast<ConstantInt>(V))
      return C->getSExtValue();
    for (auto [Arg, K] : Tested)
      if (Arg < CB.arg_size() && sameNumber(V, CB.getArgOperand(Arg)))
        return K;
    if (Depth > 6)
      return std::nullopt;
    if (const auto *Cast = dyn_cast<CastInst>(V)) {
      std::optional<int64_t> X = indexAt(Cast->getOperand(0), CB, Tested, Depth + 1);
      if (X && (Cast->getOpcode() == Instruction::SExt ||
                ((Cast->getOpcode() == Instruction::ZExt || Cast->getOpcode() == Instruction::Trunc) &&
                 *X >= 0 && *X < (int64_t(1) << 31))))
        return X;
      return std::nullopt;
    }
    if (const auto *B = dyn_cast<BinaryOperator>(V)) {
      std::optional<int64_t> X = indexAt(B->getOperand(0), CB, Tested, Depth + 1);
      std::optional<int64_t> Y = X ? indexAt(B->getOperand(1), CB, Tested, Depth + 1) : X;
      if (!Y)
        return std::nullopt;
      switch (B->getOpcode()) {
      case Instruction::Add: return *X + *Y;
      case Instruction::Sub: return *X - *Y;
      case Instruction::Mul: return *X * *Y;
      default: return std::nullopt;
      }
    }
    return std::nullopt;
  }

  /// Where a helper's pointer parameter points at At, when At lies where
  /// the helper tested another parameter equal to a constant and its
  /// callers pass an element whose index is made from that parameter's
  /// value (`test(i, &slots[i])` with `if (which == 3) *p ...`: slots[3]).
  /// False when the helper is an entry, is called through a pointer, or
  /// At has no such test.
  bool correlatedPlaces(const Argument &A, const Instruction &At, unsigned Depth,
                        SmallVectorImpl<Place> &Out) {
    const Function &F = *A.getParent();
    if (Depth >= 4 || At.getFunction() != &F || SitesOf.count(&F) || FunctionStarts.count(&F) ||
        EntryFunctions.count(&F) || F.hasAddressTaken())
      return false;
    SmallVector<std::pair<unsigned, int64_t>, 2> Tested = testedParameters(At);
    if (Tested.empty())
      return false;
    for (const User *U : F.users()) {
      const auto *CB = dyn_cast<CallBase>(U);
      if (!CB || CB->getCalledOperand() != &F || CB->arg_size() <= A.getArgNo())
        return false;
      auto IndexValue = [&](Value &V, APInt &Index) {
        std::optional<int64_t> K = indexAt(&V, *CB, Tested);
        if (K)
          Index = APInt(64, static_cast<uint64_t>(*K), /*isSigned=*/true);
        return K.has_value();
      };
      pointerPlaces(CB->getArgOperand(A.getArgNo()), 0, true, Place(), CB, Depth + 1, Out,
                    IndexValue);
    }
    ++NumCorrelatedArguments;
    return true;
  }

  /// The one object every caller (or start) binds a pointer parameter to,
  /// itself and not memory it points to (at one known offset into it, when
  /// `SameOffset`); null when they bind several, or nothing is known.
  const Place *boundPlace(const Argument &A, bool SameOffset) {
    const SmallVector<Place, 2> &Bound = argumentPlaces(A, 0);
    if (Bound.empty() || !llvm::all_of(Bound, [&](const Place &P) {
          return P.Obj == Bound[0].Obj && !P.Deref &&
                 (!SameOffset || (P.Known && !P.Stride && P.Off == Bound[0].Off));
        }))
      return nullptr;
    return &Bound[0];
  }

  /// What a pointer parameter may point to, at offset 0 of it: what the
  /// starts pass to an entry, or what a helper's direct callers pass.
  /// Computed once per parameter (a recursive call sees nothing).
  const SmallVector<Place, 2> &argumentPlaces(const Argument &A, unsigned Depth) {
    auto [It, New] = ArgPlaces.try_emplace(&A);
    if (!New || Depth >= 4)
      return It->second;
    SmallVector<Place, 2> Out;
    const Function *F = A.getParent();
    auto Sites = A.getArgNo() == 0 ? SitesOf.find(F) : SitesOf.end();
    if (Sites != SitesOf.end()) {
      for (const CallBase *CB : Sites->second) {
        if (!isThreadStart(*CB))
          continue;
        size_t Before = Out.size();
        pointerPlaces(CB->getArgOperand(3), 0, true, Place(), nullptr, Depth + 1, Out);
        for (size_t P = Before; P < Out.size(); ++P)
          if (!Out[P].Site) {
            Out[P].Site = CB;
            Out[P].OneThread = oneThread(*CB, Out[P].Obj);
          }
      }
    } else {
      // Run by std::thread(F, args...): what the starter passed for it.
      if (auto FS = FunctionStarts.find(F); FS != FunctionStarts.end())
        for (const CallBase *Ctor : FS->second)
          for (const Capture &C : Captured[Ctor])
            if (C.Arg == A.getArgNo() + callableArg(*Ctor) + 1 && C.Off == 0) {
              Place P;
              P.Obj = C.Obj, P.Site = Ctor, P.OneThread = oneThread(*Ctor, C.Obj);
              P.Known = true;
              Out.push_back(P);
            }
      // A helper: what its direct callers pass.
      for (const User *U : F->users())
        if (const auto *CB = dyn_cast<CallBase>(U))
          if (CB->getCalledOperand() == F && CB->arg_size() > A.getArgNo() && Out.size() < 32)
            pointerPlaces(CB->getArgOperand(A.getArgNo()), 0, true, Place(), CB, Depth + 1, Out);
    }
    ArgPlaces[&A] = std::move(Out); // a std::map: It is still valid
    return It->second;
  }

  /// Whether a heap block is accessed before any start passes it on: no
  /// start that passes it reaches the access without allocating it again.
  bool notYetShared(const Instruction &I, const Value *Obj) {
    const bool Local = isa<AllocaInst>(Obj);
    if (!(isAllocation(Obj) || Local) || cast<Instruction>(Obj)->getFunction() != I.getFunction())
      return false;
    if (Local && (!onlyStartsTake(*Obj, 0) || capturedObjects().count(Obj)))
      return false;
    for (const auto &[E, Sites] : SitesOf)
      for (const CallBase *CB : Sites) {
        if (!isThreadStart(*CB) || resolve(CB->getArgOperand(3), M.getDataLayout()).Base != Obj)
          continue;
        // Shared from the start until it is allocated again or, when the
        // start's handle is known, until a join of that handle.
        const Value *H = handleOf(*CB);
        if (CB->getFunction() != I.getFunction() ||
            reachableFrom(CB, [&](const Instruction &J) { return &J == Obj || joins(J, H); })
                .count(&I))
          return false;
      }
    return true;
  }

  /// Whether the address of `V` (a local, or a parameter of a callee it
  /// is given to) goes nowhere but to thread starts, to the memory calls
  /// of MemoryEffects.h and to callees that keep it no further (a C++
  /// constructor): a local no other code can reach before a start passes
  /// it, or after the thread is joined.
  bool onlyStartsTake(const Value &V, unsigned Depth) {
    if (Depth > 3)
      return false;
    SmallVector<const Value *, 8> Work{&V};
    SmallPtrSet<const Value *, 16> Seen;
    while (!Work.empty()) {
      const Value *P = Work.pop_back_val();
      if (!Seen.insert(P).second)
        continue;
      for (const Use &U : P->uses()) {
        const User *Us = U.getUser();
        if (isa<GetElementPtrInst, BitCastInst, AddrSpaceCastInst>(Us)) {
          Work.push_back(Us);
        } else if (isa<LoadInst>(Us)) {
          continue;
        } else if (const auto *S = dyn_cast<StoreInst>(Us)) {
          if (S->getValueOperand() != P)
            continue;
          // Kept in a local that is only read back (a parameter before
          // SROA): follow the reads; anywhere else it escapes.
          const auto *Spill = dyn_cast<AllocaInst>(S->getPointerOperand());
          if (!Spill || !llvm::all_of(Spill->users(), [&](const User *SU) {
                return SU == S || isa<LoadInst>(SU) ||
                       (isa<IntrinsicInst>(SU) && cast<IntrinsicInst>(SU)->isLifetimeStartOrEnd());
              }))
            return false;
          for (const User *SU : Spill->users())
            if (isa<LoadInst>(SU))
              Work.push_back(SU);
        } else if (const auto *CB = dyn_cast<CallBase>(Us)) {
          if (isIgnoredCall(*CB) || (isThreadStart(*CB) && U.getOperandNo() == 3) ||
              !callAccesses(*CB).empty())
            continue;
          const Function *C = directCallee(*CB);
          if (!C || C->isDeclaration() || U.getOperandNo() >= C->arg_size() ||
              !onlyStartsTake(*C->getArg(U.getOperandNo()), Depth + 1))
            return false;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /// The objects std::thread callables are given (followStdThread).
  const DenseSet<const Value *> &capturedObjects() {
    if (!CapturedSet) {
      CapturedSet.emplace();
      for (const auto &[Ctor, Caps] : Captured)
        for (const Capture &C : Caps)
          CapturedSet->insert(C.Obj);
    }
    return *CapturedSet;
  }

  /// Whether only one thread gets `Obj` from the start `CB`: a heap block
  /// allocated again before each start, or a start main makes once.
  bool oneThread(const CallBase &CB, const Value *Obj) {
    auto NoStop = [](const Instruction &) { return false; };
    if (isAllocation(Obj) && cast<Instruction>(Obj)->getFunction() == CB.getFunction() &&
        !reachableFrom(&CB, [&](const Instruction &I) { return &I == Obj; }).count(&CB))
      return true;
    if (perIterationElement(CB))
      return true;
    // A local: each call of its function has its own, so a start that does
    // not come round again before a join of its thread gives it to one
    // thread.
    if (isa<AllocaInst>(Obj) && cast<Instruction>(Obj)->getFunction() == CB.getFunction()) {
      const Value *H = handleOf(CB);
      return !reachableFrom(&CB, [&](const Instruction &J) { return joins(J, H); }).count(&CB);
    }
    return CB.getFunction()->getName() == "main" && !reachableFrom(&CB, NoStop).count(&CB);
  }

  /// A loop counter an array element is indexed by: an induction PHI, or
  /// at -O0 a local variable (its stores, and which of them step it).
  struct IterationIndex {
    const Value *Array = nullptr; // the local array
    const PHINode *Phi = nullptr;
    const AllocaInst *Slot = nullptr;
    SmallPtrSet<const Instruction *, 4> Steps; // stores of Slot that move it on
    SmallVector<const Instruction *, 2> Resets; // stores of a constant
  };

  /// `Ptr` as a constant offset from a pointer kept in a local that moves
  /// on by whole elements (`for (auto &e : arr)`: the range's begin, which
  /// `++` steps; read through a reference local written once).
  static std::optional<IterationIndex> pointerCounter(const Value *Ptr) {
    const Value *V = getUnderlyingObject(Ptr);
    for (unsigned Depth = 0; Depth < 4; ++Depth) {
      const auto *L = dyn_cast<LoadInst>(V);
      const auto *Slot = L ? dyn_cast<AllocaInst>(L->getPointerOperand()) : nullptr;
      if (!Slot || !Slot->getAllocatedType()->isPointerTy())
        return std::nullopt;
      IterationIndex X;
      X.Array = X.Slot = Slot;
      bool Escapes = false;
      for (const User *U : Slot->users()) {
        const auto *St = dyn_cast<StoreInst>(U);
        if (isa<LoadInst>(U) ||
            (isa<IntrinsicInst>(U) && cast<IntrinsicInst>(U)->isLifetimeStartOrEnd()))
          continue;
        if (!St || St->getPointerOperand() != Slot) {
          Escapes = true;
          break;
        }
        const auto *Step = dyn_cast<GetElementPtrInst>(St->getValueOperand());
        const auto *Old = Step ? dyn_cast<LoadInst>(Step->getPointerOperand()) : nullptr;
        const auto *By = Step && Step->getNumIndices() == 1
                             ? dyn_cast<ConstantInt>(*Step->idx_begin())
                             : nullptr;
        if (Old && Old->getPointerOperand() == Slot && By && !By->isZero() && Step->isInBounds())
          X.Steps.insert(St);
        else
          X.Resets.push_back(St);
      }
      if (!Escapes && !X.Steps.empty())
        return X;
      // A reference local written once: what was stored in it.
      const Value *Held = throughLocal(L);
      if (Held == L)
        return std::nullopt;
      V = getUnderlyingObject(Held);
    }
    return std::nullopt;
  }

  /// `Ptr` as `&array[counter]`, with a counter that moves on by a
  /// non-wrapping add of a non-zero constant: an induction PHI with a
  /// constant start, or at -O0 a local whose stores are constants and such
  /// adds of its own value; or as a pointer counter (pointerCounter).
  static std::optional<IterationIndex> iterationIndex(const Value *Ptr) {
    const auto *GEP = dyn_cast<GetElementPtrInst>(Ptr->stripPointerCasts());
    if (!GEP)
      return pointerCounter(Ptr);
    // A local or global array, or one a pointer read from memory or a
    // parameter points to.
    if (!isa<AllocaInst, LoadInst, Argument, GlobalVariable>(getUnderlyingObject(GEP)))
      return std::nullopt;
    const Value *Idx = nullptr;
    for (const Use &U : GEP->indices())
      if (!isa<Constant>(U.get())) {
        if (Idx)
          return std::nullopt;
        Idx = U.get();
      }
    while (Idx && isa<SExtInst, ZExtInst>(Idx))
      Idx = cast<CastInst>(Idx)->getOperand(0);
    if (!Idx)
      return pointerCounter(Ptr);
    auto NonZeroStep = [](const Value *V, const Value *Of) {
      const auto *Add = dyn_cast<BinaryOperator>(V);
      const auto *C = Add ? dyn_cast<ConstantInt>(Add->getOperand(1)) : nullptr;
      return Add && Add->getOpcode() == Instruction::Add && Add->getOperand(0) == Of && C &&
             !C->isZero() && (Add->hasNoSignedWrap() || Add->hasNoUnsignedWrap());
    };
    IterationIndex X;
    X.Array = getUnderlyingObject(GEP);
    // A pointer read from a local written once (each use at -O0 is a load
    // of its own): the array is what the local holds.
    if (const auto *L = dyn_cast<LoadInst>(X.Array))
      if (const Value *Held = throughLocal(L); Held != L)
        X.Array = getUnderlyingObject(Held);
    if (const auto *Phi = dyn_cast<PHINode>(Idx)) {
      bool Steps = false;
      for (unsigned I = 0; I < Phi->getNumIncomingValues(); ++I) {
        const Value *In = Phi->getIncomingValue(I);
        if (isa<ConstantInt>(In))
          X.Resets.push_back(Phi->getIncomingBlock(I)->getTerminator());
        else if (NonZeroStep(In, Phi))
          Steps = true;
        else
          return std::nullopt;
      }
      if (!Steps)
        return std::nullopt;
      X.Phi = Phi;
      return X;
    }
    const auto *Load = dyn_cast<LoadInst>(Idx);
    X.Slot = Load ? dyn_cast<AllocaInst>(Load->getPointerOperand()) : nullptr;
    std::optional<CounterStores> Stores = X.Slot ? counterStores(*X.Slot) : std::nullopt;
    if (!Stores || Stores->Steps.empty())
      return std::nullopt;
    for (const StoreInst *St : Stores->Steps) {
      const auto *Add = cast<BinaryOperator>(St->getValueOperand());
      if (!NonZeroStep(Add, Add->getOperand(0)))
        return std::nullopt;
      X.Steps.insert(St);
    }
    X.Resets.append(Stores->Sets.begin(), Stores->Sets.end());
    return X;
  }

  /// The stores of a counter kept in a local whose address goes nowhere
  /// else, when each stores a constant (`i = 0`) or adds a constant to the
  /// value it reads back from it (`i++`).
  struct CounterStores {
    SmallVector<const StoreInst *, 2> Sets, Steps;
  };
  static std::optional<CounterStores> counterStores(const AllocaInst &Slot) {
    CounterStores Out;
    for (const User *U : Slot.users()) {
      if (isa<LoadInst>(U))
        continue;
      if (const auto *II = dyn_cast<IntrinsicInst>(U); II && II->isLifetimeStartOrEnd())
        continue;
      const auto *St = dyn_cast<StoreInst>(U);
      if (!St || St->getPointerOperand() != &Slot)
        return std::nullopt; // its address escapes
      const Value *V = St->getValueOperand();
      if (isa<ConstantInt>(V)) {
        Out.Sets.push_back(St);
        continue;
      }
      const auto *Add = dyn_cast<BinaryOperator>(V);
      const auto *Old = Add ? dyn_cast<LoadInst>(Add->getOperand(0)) : nullptr;
      if (!Add || Add->getOpcode() != Instruction::Add || !Old ||
          Old->getPointerOperand() != &Slot || !isa<ConstantInt>(Add->getOperand(1)))
        return std::nullopt;
      Out.Steps.push_back(St);
    }
    return Out;
  }

  /// What is reachable from just after `From` in one iteration of X's loop.
  DenseSet<const Instruction *> sameIteration(const Instruction *From, const IterationIndex &X) {
    return reachableFrom(From, [&](const Instruction &I) {
      return X.Phi ? &I == X.Phi : X.Steps.count(&I) != 0;
    });
  }

  /// Whether each thread the start `CB` makes gets its own element of a
  /// local array: `&slots[i]` in `for (i = 0; ...; i++)`, the counter
  /// moved on before every start again and never reset after one.
  /// Computed once per start: every access to the array asks again.
  bool perIterationElement(const CallBase &CB) {
    auto [It, New] = PerIteration.try_emplace(&CB, false);
    if (!New)
      return It->second;
    if (!isThreadStart(CB))
      return false;
    std::optional<IterationIndex> X = iterationIndex(CB.getArgOperand(3));
    if (!X)
      return false;
    DenseSet<const Instruction *> After =
        reachableFrom(&CB, [](const Instruction &) { return false; });
    for (const Instruction *R : X->Resets)
      if (After.count(R) && reachableFrom(R, [](const Instruction &) { return false; }).count(&CB))
        return false; // the numbering starts over after a start, and reaches it again
    return PerIteration[&CB] = !sameIteration(&CB, *X).count(&CB);
  }

  /// Whether the access I, at `Ptr` (`&array[i]`), is made before the start
  /// CB that passes `&array[i]` to its thread, in the same iteration of the
  /// same function: no thread has that element yet.
  bool beforeElementPassed(const Instruction &I, const IterationIndex &Mine, const CallBase &CB) {
    if (!isThreadStart(CB) || CB.getFunction() != I.getFunction())
      return false;
    std::optional<IterationIndex> Theirs = iterationIndex(CB.getArgOperand(3));
    if (!Theirs || Theirs->Array != Mine.Array || Theirs->Phi != Mine.Phi ||
        Theirs->Slot != Mine.Slot || !perIterationElement(CB))
      return false;
    return sameIteration(&I, Mine).count(&CB) && !sameIteration(&CB, Mine).count(&I);
  }

  /// Whether X is the starter's access to the element a start passes
  /// its thread, made before that start in the same iteration
  /// (`slots[i].id = i; pthread_create(..., &slots[i])`), and Y that
  /// thread's access through its parameter: the element is not shared yet
  /// (also in a global array, which other code could reach another way).
  bool ownElement(const Access &X, const Access &Y) {
    if (!X.Ptr || X.Where.Site || !Y.Where.Site || !Y.Where.OneThread)
      return false;
    std::optional<IterationIndex> Mine = iterationIndex(X.Ptr);
    return Mine && beforeElementPassed(*X.I, *Mine, *Y.Where.Site);
  }

  /// Whether the access I, to `&array[i]` in the function that passes
  /// `&array[i]` to a start, comes before that start in the same iteration:
  /// no thread has that element yet (`slots[i] = i;` before the start).

  bool elementNotYetPassed(const Instruction &I, const Value *Ptr) {
    std::optional<IterationIndex> Mine = iterationIndex(Ptr);
    if (!Mine)
      return false;
    for (const auto &[E, Sites] : SitesOf)
      for (const CallBase *CB : Sites)
        if (beforeElementPassed(I, *Mine, *CB))
          return true;
    return false;
  }

  void dataRaces(std::vector<RaceFinding> &Out) {
    if (Entries.size() < 2 && !(Entries.size() == 1 && Entries[0].Multi))
      return;
    std::map<const Value *, std::vector<Access>> ByGlobal;
    for (const Function &F : M) {
      if (F.isDeclaration())
        continue;
      for (const Instruction &I : instructions(F))
        for (const Touch &T : touchesOf(I))
          ByGlobal[T.Where.Obj].push_back(
              {&I, T.Where, T.Write, HeldBefore[&I], InSection.count(&I) != 0, T.Ptr});
    }
    for (auto &[GV, Accesses] : ByGlobal) {
      std::vector<std::vector<size_t>> Where(Accesses.size());
      for (size_t A = 0; A < Accesses.size(); ++A)
        Where[A] = entriesOf(*Accesses[A].I);
      // Two writes make the clearer report; else a write and a read.
      for (bool BothWrites : {true, false}) {
        bool Done = false;
        for (size_t A = 0; A < Accesses.size() && !Done; ++A) {
          const Access &X = Accesses[A];
          if (Where[A].empty())
            continue;
          for (size_t B = A; B < Accesses.size() && !Done; ++B) {
            const Access &Y = Accesses[B];
            if (BothWrites ? !(X.Write && Y.Write) : !(X.Write || Y.Write))
              continue;
            if (!overlaps(X.Where, Y.Where))
              continue;
            if ((X.Where.Sync && !Y.Where.Call) || (Y.Where.Sync && !X.Where.Call))
              continue;
            if ((X.Where.Atomic && Y.Where.Atomic) || (X.InSection && Y.InSection) ||
                locksProtect(X.Held, Y.Held, X.Where.Site && Y.Where.Site))
              continue;
            if (ownElement(X, Y) || ownElement(Y, X))
              continue;
            for (size_t E1 : Where[A]) {
              for (size_t E2 : Where[B]) {
                // One thread, given one object through its parameter.
                if (E1 == E2 && X.Where.Site && X.Where.Site == Y.Where.Site &&
                    X.Where.OneThread)
                  continue;
                if (parallel(E1, E2) && twoThreadsRun(*X.I, E1, *Y.I, E2) &&
                    !orderedByAtomics(X, E1, Y, E2)) {
                  bool XFirst = X.Write;
                  reportDataRace(*GV, XFirst ? X : Y, XFirst ? Y : X, XFirst ? E1 : E2,
                                 XFirst ? E2 : E1, Out);
                  Done = true;
                  break;
                }
              }
              if (Done)
                break;
            }
          }
        }
        if (Done)
          break;
      }
    }
  }

  /// Notes: in which entry the access runs, and the calls from it.
  void whereItRuns(const Access &X, size_t E) {
    const Entry &En = Entries[E];
    std::string Name = "thread entry '" + displayName(En.F->getName()) + "'";
    if (En.F->getName().starts_with("_ZNSt6thread11_State_implI")) {
      const auto *Start = dyn_cast_or_null<CallBase>(En.StartedAt);
      const Function *C = Start ? directCallee(*Start) : nullptr;
      Name = !C || !isLibraryThreadStart(*Start) ? "a std::thread"
             : C->getName().starts_with("_ZSt5async") ? "a std::async task"
                                                       : "a std::jthread";
    }
    if (En.AtExit)
      Sink.report(Severity::Note, userLocationOf(*En.StartedAt),
                  "exit handler '" + displayName(En.F->getName()) +
                      "' is registered here; it runs when main ends");
    else if (En.StartedAt)
      Sink.report(Severity::Note, userLocationOf(*En.StartedAt),
                  Name + " is started here" + (En.Multi ? ", more than once" : ""));
    else
      Sink.report(Severity::Note, locationOf(*En.F), "it runs in 'main'");
    // The chain of calls from the entry down to the access's function.
    std::vector<const CallBase *> Chain;
    for (const Function *F = X.I->getFunction(); F != En.F;) {
      const CallBase *Via = Reach[E].lookup(F);
      if (!Via)
        break;
      Chain.push_back(Via);
      F = Via->getFunction();
    }
    for (auto It = Chain.rbegin(); It != Chain.rend(); ++It)
      if (!inSystemHeader(userLocationOf(**It)))
        Sink.report(Severity::Note, userLocationOf(**It),
                  "'" + displayName((*It)->getFunction()->getName()) + "' calls '" +
                      displayName(directCallee(**It) ? directCallee(**It)->getName()
                                                     : StringRef("(through a pointer)")) +
                      "'");
  }

  /// How a report names an object, and its location in the report.
  static std::string objectDisplay(const Place &P) {
    const Value &Obj = *P.Obj;
    if (P.Deref && isa<AllocaInst>(Obj))
      return "the memory a local of '" +
             displayName(cast<AllocaInst>(Obj).getFunction()->getName()) +
             "' points to, passed to threads";
    if (P.Deref)
      return "the memory '" + displayName(Obj.getName()) + "' points to";
    if (isa<GlobalVariable>(Obj))
      return "'" + displayName(Obj.getName()) + "'";
    if (const auto *A = dyn_cast<Argument>(&Obj))
      return "the memory parameter '" + A->getName().str() + "' of '" +
             displayName(A->getParent()->getName()) + "' points to, passed to threads";
    std::string Fn = "'" + displayName(cast<Instruction>(Obj).getFunction()->getName()) + "'";
    if (isa<AllocaInst>(Obj))
      return "a local of " + Fn + " passed to threads";
    if (isAllocation(&Obj))
      return "memory allocated in " + Fn + " and passed to threads";
    return "memory " + Fn + " passes to threads";
  }
  static std::string objectLocation(const Place &P) {
    const Value &Obj = *P.Obj;
    if (P.Deref && isa<AllocaInst>(Obj))
      return "pointee:local:" + displayName(cast<AllocaInst>(Obj).getFunction()->getName());
    if (P.Deref)
      return "pointee:" + Obj.getName().str();
    if (isa<GlobalVariable>(Obj))
      return "global:" + Obj.getName().str();
    const Function *F = isa<Argument>(Obj) ? cast<Argument>(Obj).getParent()
                                            : cast<Instruction>(Obj).getFunction();
    return (isa<AllocaInst>(Obj) ? "local:" : isAllocation(&Obj) ? "heap:" : "pointer:") +
           displayName(F->getName());
  }

  void reportDataRace(const Value &GV, const Access &X, const Access &Y, size_t EX,
                      size_t EY, std::vector<RaceFinding> &Out) {
    std::string Name = objectDisplay(X.Where);
    SourceLoc At = userLocationOf(*X.I);
    Sink.report(Severity::Warning, At,
                "data race on " + Name + ": this write may run in parallel with another " +
                    (Y.Write ? "write" : "read") + " of it, and no lock is held at both "
                    "[weft-race]");
    Sink.report(Severity::Note, At, "this write is made " + describeLocks(X.Held) +
                                        (X.InSection ? ", inside an atomic section" : ""));
    whereItRuns(X, EX);
    Sink.report(Severity::Note, userLocationOf(*Y.I),
                std::string(Y.Write ? "the other write" : "the read") + ", " + describeLocks(Y.Held) +
                    (Y.InSection ? ", inside an atomic section" : ""));
    whereItRuns(Y, EY);
    ++NumDataRaces;
    Out.push_back({RaceFinding::DataRace, objectLocation(X.Where), At,
                   userLocationOf(*Y.I)});
  }

  const BlockingGraph &G;
  Module &M;
  DiagnosticSink &Sink;
  DenseSet<const Instruction *> InSection;
  DenseMap<const Instruction *, LockSet> HeldBefore;
  DenseMap<const Function *, LockSummary> Summaries;
  /// Where each entry is started, and the locals and heap memory the
  /// starts pass to their threads.
  std::map<const Function *, std::vector<const CallBase *>> SitesOf;
  DenseSet<const Value *> PassedObjects;
  /// std::thread starts: the objects their callables get by pointer, and
  /// the loads of those pointers in the code the threads run.
  struct Capture {
    unsigned Arg;  // the constructor's argument whose temporary holds it
    int64_t Off;   // where in it (-1: not known)
    const Value *Obj;
    bool operator==(const Capture &O) const {
      return Arg == O.Arg && Off == O.Off && Obj == O.Obj;
    }
  };
  std::map<const CallBase *, SmallVector<Capture, 4>> Captured;
  std::optional<DenseSet<const Value *>> CapturedSet; // capturedObjects
  std::map<const Function *, std::unique_ptr<ConstantSlots>> SlotsOf; // slotsOf
  /// For a library function that leads to a std::thread constructor, the
  /// program's calls that lead to it (programStarts).
  std::map<const Function *, SmallVector<const CallBase *, 2>> LibraryStarts;
  /// Functions a std::thread runs with its arguments, and the starts.
  std::map<const Function *, SmallVector<const CallBase *, 2>> FunctionStarts;
  DenseMap<const Value *, std::pair<const CallBase *, int64_t>> CaptureLoads;
  /// Locals whose value (a pointer) starts pass to their threads.
  DenseSet<const Value *> PassedPointees;
  std::map<const Argument *, SmallVector<Place, 2>> ArgPlaces;
  /// The global lock all callers pass for a parameter, if they agree.
  DenseMap<const Argument *, std::optional<std::string>> ArgLockNames;
  /// The mutexes each C++ lock guard object locked.
  DenseMap<const Value *, std::vector<std::string>> GuardLocks;
  std::vector<Entry> Entries;
  std::map<size_t, DenseMap<const Function *, const CallBase *>> Reach;
  DenseSet<const Instruction *> SpawnCalls; // where main starts threads
  std::vector<const CallBase *> ExternalStarts; // of entries other units define
  DenseMap<const CallBase *, bool> PerIteration; // perIterationElement
  std::map<std::pair<const Instruction *, SyncKey>, bool> Published; // publishedBy
  std::map<std::pair<const Instruction *, SyncKey>, bool> Acquired;  // acquiredFrom
  std::map<std::tuple<const Function *, SyncKey, bool>, bool> AlwaysSyncs; // callSyncs
  DenseMap<const LoadInst *, bool> WaitTests;                        // waitLoopTest
  std::map<std::pair<const Instruction *, size_t>, std::vector<bool>> RunsIn; // sitesRunning
  std::map<std::pair<const Function *, std::vector<std::pair<const Argument *, const Constant *>>>,
           DenseSet<const BasicBlock *>>
      LiveBlocks; // liveBlocks
  DenseSet<const CallBase *> RepeatingStarts; // in a loop, with no join of it between
  std::map<const Function *, std::unique_ptr<DominatorTree>> Dominators; // dominatorsOf
  DenseSet<const Function *> Spawning;
  DenseSet<const Function *> EntryFunctions;
  std::vector<const Function *> ForkHandlers; // pthread_atfork's, for the parent
  /// Functions only main calls while it runs alone.
  std::optional<DenseSet<const Function *>> OnlyMainAlone;
  DenseSet<const Function *> AloneHelpers; // findAloneHelpers
  /// The instructions of main and its alone helpers that may run while
  /// other threads do.
  std::map<const Function *, DenseSet<const Instruction *>> Concurrent; // concurrentIn
};

} // namespace

bool locksProtect(const LockSet &A, const LockSet &B, bool SameThreadArg) {
  for (const std::string &L : A) {
    // A parameter names a different lock in each call.
    if (isArgLock(L) || (!SameThreadArg && StringRef(L).starts_with(ThreadArgLockPrefix)))
      continue;
    bool Read = StringRef(L).ends_with(":r");
    std::string Base = Read ? L.substr(0, L.size() - 2) : L;
    // A common lock protects unless both hold it for reading.
    if (B.count(Base) || (!Read && B.count(Base + ":r")))
      return true;
  }
  return false;
}

bool meetLocks(LockSet &Into, const LockSet &With) {
  bool Changed = false;
  for (auto L = Into.begin(); L != Into.end();) {
    if (With.count(*L)) {
      ++L;
      continue;
    }
    L = Into.erase(L);
    Changed = true;
  }
  return Changed;
}

std::string describeLocks(const LockSet &L) {
  if (L.empty())
    return "with no lock held";
  std::string S = "holding ";
  bool First = true;
  for (const std::string &N : L) {
    S += (First ? "'" : ", '") + N + "'";
    First = false;
  }
  return S;
}

void summarizeThreads(const BlockingGraph &G, const AtomicSections &Sections, UnitSummary &U) {
  NullDiagnosticSink Quiet;
  RaceChecker(G, Sections, Quiet).summarizeInto(U);
}

std::vector<RaceFinding> checkRaces(const BlockingGraph &G, const AtomicSections &Sections,
                                    LockChecks Checks, DiagnosticSink &Sink) {
  return RaceChecker(G, Sections, Sink).run(Checks);
}

} // namespace weft
