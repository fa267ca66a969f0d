//===- ConstantSlots.cpp --------------------------------------------------===//
#include "ConstantSlots.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IntrinsicInst.h"

#include <algorithm>
#include <deque>
#include <map>

using namespace llvm;

namespace weft {

namespace {

/// The values a slot may hold: a few constants, or any value at all.
struct Values {
  bool Any = false;
  SmallVector<int64_t, 4> Of; // sorted, when not Any
  static Values any() { return {true, {}}; }
  static Values one(int64_t V) { return {false, {V}}; }
  bool empty() const { return !Any && Of.empty(); }
  /// Joins O in; whether anything changed.
  bool join(const Values &O) {
    if (Any || O.empty())
      return false;
    if (O.Any) {
      *this = any();
      return true;
    }
    bool Changed = false;
    for (int64_t V : O.Of)
      if (!is_contained(Of, V)) {
        Of.insert(std::upper_bound(Of.begin(), Of.end(), V), V);
        Changed = true;
      }
    return Changed;
  }
  Values only(int64_t V) const { return Any || is_contained(Of, V) ? one(V) : Values(); }
  Values without(ArrayRef<int64_t> Vs) const {
    if (Any)
      return *this;
    Values R;
    for (int64_t V : Of)
      if (!is_contained(Vs, V))
        R.Of.push_back(V);
    return R;
  }
};

/// A local whose every store is an integer constant and whose address is
/// only loaded from, stored to and marked live or dead.
bool isConstantSlot(const AllocaInst &A) {
  if (!A.getAllocatedType()->isIntegerTy())
    return false;
  bool Tested = false;
  for (const User *U : A.users()) {
    if (const auto *S = dyn_cast<StoreInst>(U)) {
      if (S->getPointerOperand() != &A || !isa<ConstantInt>(S->getValueOperand()))
        return false;
    } else if (const auto *L = dyn_cast<LoadInst>(U)) {
      for (const User *LU : L->users())
        Tested |= isa<SwitchInst, ICmpInst>(LU);
    } else if (const auto *II = dyn_cast<IntrinsicInst>(U); !II || !II->isLifetimeStartOrEnd()) {
      return false;
    }
  }
  return Tested;
}

/// The slot a branch tests, and the value it compares with for `br (icmp
/// eq|ne (load slot), C)`: the slot's load, in the terminator's block with
/// no store to the slot after it.
const LoadInst *testedLoad(const Value *V, const AllocaInst *Slot) {
  const auto *L = dyn_cast<LoadInst>(V);
  if (!L || L->getPointerOperand() != Slot)
    return nullptr;
  for (const Instruction *I = L->getNextNode(); I; I = I->getNextNode())
    if (const auto *S = dyn_cast<StoreInst>(I); S && S->getPointerOperand() == Slot)
      return nullptr;
  return L;
}

} // namespace

ConstantSlots::ConstantSlots(const Function &F) : F(F) {
  for (const Instruction &I : F.getEntryBlock())
    if (const auto *A = dyn_cast<AllocaInst>(&I); A && isConstantSlot(*A))
      Slots.push_back(A);
}

DenseSet<ConstantSlots::Edge>
ConstantSlots::deadEdges(const Instruction &From,
                         function_ref<bool(const Instruction &)> Stop) const {
  DenseSet<Edge> Dead;
  for (const AllocaInst *Slot : Slots) {
    // The values at each block's start, for walks from just after From.
    std::map<const BasicBlock *, Values> In;
    std::deque<std::pair<const BasicBlock *, const Instruction *>> Work;
    Values Start = Values::any();
    // The values at the end of a block entered at I with V; none when the
    // walk stops inside it.
    auto Through = [&](const Instruction *I, Values V) {
      for (; I; I = I->getNextNode()) {
        if (Stop(*I))
          return Values();
        if (const auto *S = dyn_cast<StoreInst>(I); S && S->getPointerOperand() == Slot)
          V = Values::one(cast<ConstantInt>(S->getValueOperand())->getSExtValue());
      }
      return V;
    };
    // The values each edge of a block's terminator carries.
    auto Out = [&](const BasicBlock *BB, const Values &AtEnd,
                   SmallVectorImpl<std::pair<const BasicBlock *, Values>> &Edges) {
      const Instruction *T = BB->getTerminator();
      if (const auto *Sw = dyn_cast<SwitchInst>(T); Sw && testedLoad(Sw->getCondition(), Slot)) {
        SmallVector<int64_t, 4> Cases;
        for (const auto &C : Sw->cases()) {
          Cases.push_back(C.getCaseValue()->getSExtValue());
          Edges.push_back({C.getCaseSuccessor(), AtEnd.only(Cases.back())});
        }
        Edges.push_back({Sw->getDefaultDest(), AtEnd.without(Cases)});
        return;
      }
      if (const auto *Br = dyn_cast<BranchInst>(T); Br && Br->isConditional())
        if (const auto *Cmp = dyn_cast<ICmpInst>(Br->getCondition());
            Cmp && Cmp->isEquality() && testedLoad(Cmp->getOperand(0), Slot))
          if (const auto *K = dyn_cast<ConstantInt>(Cmp->getOperand(1))) {
            int64_t V = K->getSExtValue();
            bool Eq = Cmp->getPredicate() == ICmpInst::ICMP_EQ;
            Edges.push_back({Br->getSuccessor(Eq ? 0 : 1), AtEnd.only(V)});
            Edges.push_back({Br->getSuccessor(Eq ? 1 : 0), AtEnd.without({V})});
            return;
          }
      for (const BasicBlock *S : successors(BB))
        Edges.push_back({S, AtEnd});
    };
    auto Follow = [&](const BasicBlock *BB, const Values &AtEnd) {
      SmallVector<std::pair<const BasicBlock *, Values>, 4> Edges;
      Out(BB, AtEnd, Edges);
      for (auto &[S, V] : Edges)
        if (In[S].join(V))
          Work.push_back({S, &S->front()});
    };
    const Instruction *First = From.getNextNode();
    if (const auto *Inv = dyn_cast<InvokeInst>(&From)) {
      // Only the normal way on: the walk starts there.
      const BasicBlock *N = Inv->getNormalDest();
      In[N].join(Start);
      Work.push_back({N, &N->front()});
    } else if (First) {
      Follow(From.getParent(), Through(First, Start));
    }
    while (!Work.empty()) {
      auto [BB, I] = Work.front();
      Work.pop_front();
      Follow(BB, Through(I, In[BB]));
    }
    // An edge is dead when the walk reaches its block and no value takes
    // it (by any of the cases that lead there).
    for (const BasicBlock &BB : F) {
      auto It = In.find(&BB);
      const bool FromHere = &BB == From.getParent() && First && !isa<InvokeInst>(&From);
      if (It == In.end() && !FromHere)
        continue;
      Values AtEnd;
      if (It != In.end())
        AtEnd = Through(&BB.front(), It->second);
      if (FromHere)
        AtEnd.join(Through(First, Start));
      SmallVector<std::pair<const BasicBlock *, Values>, 4> Edges;
      Out(&BB, AtEnd, Edges);
      SmallPtrSet<const BasicBlock *, 4> Live;
      for (auto &[S, V] : Edges)
        if (!V.empty())
          Live.insert(S);
      for (auto &[S, V] : Edges)
        if (!Live.count(S))
          Dead.insert({&BB, S});
    }
  }
  return Dead;
}

} // namespace weft
