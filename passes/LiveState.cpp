//===- LiveState.cpp ------------------------------------------------------===//
#include "LiveState.h"

#include "BlockingCalls.h"
#include "Calls.h"
#include "Diagnostics.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/PostOrderIterator.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cassert>
#include <functional>

using namespace llvm;

#define DEBUG_TYPE "weft-live"
// Statistics are ALWAYS_ENABLED_STATISTIC: Debian's LLVM and weft's own
// RelWithDebInfo build define NDEBUG, which turns STATISTIC into a no-op.
// Shown by opt -stats, clang -mllvm -stats or -Xclang -stats-file=<f>.
ALWAYS_ENABLED_STATISTIC(NumLocalsImported, "Local variables named by the frontend");
ALWAYS_ENABLED_STATISTIC(NumLivePoints, "Blocking points whose live state was computed");
ALWAYS_ENABLED_STATISTIC(NumLiveObjects, "Stack objects live across a blocking point");
ALWAYS_ENABLED_STATISTIC(NumLiveStateWarnings, "Blocking calls that keep too much live state");

namespace weft {

AnalysisKey LiveStateAnalysis::Key;

static constexpr const char *LocalMDKind = "weft.local";

std::string encodeLocalVariable(const LocalVariable &V) {
  // The file goes last: it is the only field that may contain ';'.
  return std::string(LocalAnnotationPrefix) + V.Name + ";" + std::to_string(V.Line) + ";" +
         std::to_string(V.Column) + ";" + std::to_string(V.EndLine) + ";" +
         std::to_string(V.EndColumn) + ";" + V.File;
}

std::optional<LocalVariable> decodeLocalVariable(StringRef S) {
  if (!S.consume_front(LocalAnnotationPrefix))
    return std::nullopt;
  SmallVector<StringRef, 6> Parts;
  S.split(Parts, ';', /*MaxSplit=*/5);
  if (Parts.size() != 6)
    return std::nullopt;
  LocalVariable V;
  V.Name = Parts[0].str();
  if (Parts[1].getAsInteger(10, V.Line) || Parts[2].getAsInteger(10, V.Column) ||
      Parts[3].getAsInteger(10, V.EndLine) || Parts[4].getAsInteger(10, V.EndColumn))
    return std::nullopt;
  V.File = Parts[5].str();
  return V;
}

namespace {

std::optional<StringRef> constantString(Value *V) {
  auto *GV = dyn_cast<GlobalVariable>(V->stripPointerCasts());
  if (!GV || !GV->hasInitializer())
    return std::nullopt;
  auto *CDA = dyn_cast<ConstantDataArray>(GV->getInitializer());
  if (!CDA || !CDA->isCString())
    return std::nullopt;
  return CDA->getAsCString();
}

} // namespace

bool importLocalVariables(Module &M) {
  LLVMContext &Ctx = M.getContext();
  bool Changed = false;
  SmallVector<GlobalVariable *, 8> Strings;
  for (Function &F : make_early_inc_range(M)) {
    if (F.getIntrinsicID() != Intrinsic::var_annotation)
      continue;
    for (User *U : make_early_inc_range(F.users())) {
      auto *CI = dyn_cast<CallInst>(U);
      if (!CI || CI->arg_size() < 2)
        continue;
      std::optional<StringRef> Text = constantString(CI->getArgOperand(1));
      if (!Text || !Text->starts_with(LocalAnnotationPrefix))
        continue;
      std::optional<LocalVariable> V = decodeLocalVariable(*Text);
      if (auto *AI = dyn_cast<AllocaInst>(CI->getArgOperand(0)->stripPointerCasts());
          AI && V && !AI->getMetadata(LocalMDKind)) {
        auto Int = [&](unsigned N) {
          return ConstantAsMetadata::get(ConstantInt::get(Type::getInt32Ty(Ctx), N));
        };
        AI->setMetadata(LocalMDKind,
                        MDNode::get(Ctx, {MDString::get(Ctx, V->Name), Int(V->Line),
                                          Int(V->Column), Int(V->EndLine), Int(V->EndColumn),
                                          MDString::get(Ctx, V->File)}));
        ++NumLocalsImported;
      }
      for (unsigned I = 1; I < CI->arg_size(); ++I)
        if (auto *GV = dyn_cast<GlobalVariable>(CI->getArgOperand(I)->stripPointerCasts()))
          Strings.push_back(GV);
      CI->eraseFromParent();
      Changed = true;
    }
    if (F.use_empty())
      F.eraseFromParent();
  }
  // The annotation strings (and the file name, shared) go when unused.
  for (GlobalVariable *GV : Strings) {
    GV->removeDeadConstantUsers();
    if (GV->use_empty() && GV->hasLocalLinkage() && GV->getParent())
      GV->eraseFromParent();
  }
  return Changed;
}

std::optional<LocalVariable> localVariableOf(const AllocaInst &AI) {
  const MDNode *N = AI.getMetadata(LocalMDKind);
  if (!N || N->getNumOperands() != 6)
    return std::nullopt;
  auto Str = [&](unsigned I) -> std::string {
    if (auto *S = dyn_cast<MDString>(N->getOperand(I)))
      return S->getString().str();
    return "";
  };
  auto Num = [&](unsigned I) -> unsigned {
    if (auto *C = mdconst::dyn_extract<ConstantInt>(N->getOperand(I)))
      return static_cast<unsigned>(C->getZExtValue());
    return 0;
  };
  LocalVariable V;
  V.Name = Str(0);
  V.Line = Num(1);
  V.Column = Num(2);
  V.EndLine = Num(3);
  V.EndColumn = Num(4);
  V.File = Str(5);
  return V;
}

std::string withThousands(uint64_t N) {
  std::string Digits = std::to_string(N), Out;
  for (size_t I = 0; I < Digits.size(); ++I) {
    if (I && (Digits.size() - I) % 3 == 0)
      Out += ',';
    Out += Digits[I];
  }
  return Out;
}

namespace {

/// A source position, comparable: (line, column).
using Pos = std::pair<unsigned, unsigned>;

/// The live-state computation for one function.
class FunctionLiveness {
public:
  FunctionLiveness(Function &F, const BlockingGraph &G) : F(F), DL(F.getParent()->getDataLayout()) {
    for (const CallSite &CS : G.callSites(F)) {
      Blocking B = G.stateOfCall(*CS.Call);
      if (B == Blocking::No)
        continue;
      LivePoint P;
      P.Call = CS.Call;
      P.State = B;
      PointIndex[CS.Call] = Points.size();
      Points.push_back(std::move(P));
    }
  }

  std::vector<LivePoint> run() {
    if (Points.empty())
      return {};
    buildGraph();
    collectObjects();
    objectLiveness();
    objectLifetimes();
    valueLiveness();
    for (LivePoint &P : Points) {
      std::sort(P.Objects.begin(), P.Objects.end(), [](const LiveObject &A, const LiveObject &B) {
        if (A.Bytes != B.Bytes)
          return A.Bytes > B.Bytes;
        return A.Alloca->comesBefore(B.Alloca);
      });
      uint64_t Live = 0;
      for (const LiveObject &O : P.Objects)
        Live += O.Bytes;
      P.LiveBytes = Live + P.SpillBytes;
      P.PinnedBytes += P.SpillBytes;
      assert(P.LiveBytes <= P.PinnedBytes && "what is live is in its lifetime");
      NumLiveObjects += P.Objects.size();
    }
    NumLivePoints += Points.size();
    return std::move(Points);
  }

private:
  struct Object {
    AllocaInst *AI;
    uint64_t Bytes;
    std::optional<LocalVariable> Var; // scope from the frontend
    bool Markers = false;             // has lifetime.start/end (and no scope)
    bool Escaped = false;
  };
  struct InstFacts {
    SmallVector<unsigned, 2> Gen;   // objects it reads, writes or passes on
    SmallVector<unsigned, 1> Kill;  // objects it overwrites whole
    SmallVector<unsigned, 1> Start; // lifetime.start
    SmallVector<unsigned, 1> End;   // lifetime.end
  };

  void collectObjects() {
    for (Instruction &I : instructions(F)) {
      auto *AI = dyn_cast<AllocaInst>(&I);
      // Clang's bookkeeping slots are not counted: whether they exist
      // depends on the -O level.
      if (!AI || !AI->isStaticAlloca() || AI == Slot || isReturnSlot(*AI))
        continue;
      std::optional<TypeSize> Size = AI->getAllocationSize(DL);
      if (!Size || Size->isScalable())
        continue;
      Objects.push_back({AI, Size->getFixedValue(), localVariableOf(*AI)});
    }
    for (unsigned Id = 0; Id < Objects.size(); ++Id) {
      Object &O = Objects[Id];
      // Pointers derived from the object, then what uses them.
      SmallVector<Value *, 8> Work{O.AI};
      DenseSet<Value *> Seen{O.AI};
      while (!Work.empty()) {
        Value *V = Work.pop_back_val();
        for (Use &U : V->uses()) {
          auto *I = dyn_cast<Instruction>(U.getUser());
          if (!I)
            continue;
          if (isa<GetElementPtrInst, BitCastInst, AddrSpaceCastInst, PHINode, SelectInst>(I)) {
            Derived.insert(I);
            if (Seen.insert(I).second)
              Work.push_back(I);
            continue;
          }
          if (auto *II = dyn_cast<IntrinsicInst>(I)) {
            if (II->isLifetimeStartOrEnd()) {
              (II->getIntrinsicID() == Intrinsic::lifetime_start ? Facts[I].Start : Facts[I].End)
                  .push_back(Id);
              O.Markers = true;
              continue;
            }
            if (II->isAssumeLikeIntrinsic() || isa<DbgInfoIntrinsic>(II))
              continue;
            if (auto *MI = dyn_cast<MemIntrinsic>(II);
                MI && U.getOperandNo() == 0 && V->stripPointerCasts() == O.AI)
              if (auto *Len = dyn_cast<ConstantInt>(MI->getLength());
                  Len && Len->getZExtValue() >= O.Bytes && !MI->isVolatile()) {
                Facts[I].Kill.push_back(Id);
                continue;
              }
            Facts[I].Gen.push_back(Id);
            continue;
          }
          if (auto *SI = dyn_cast<StoreInst>(I)) {
            if (U.getOperandNo() == 0) { // the address itself is stored
              // Into a local pointer variable only loaded and stored (what
              // every pointer variable is before SROA): what is loaded
              // from it is derived from the object. Anywhere else it
              // escapes.
              auto *Slot = dyn_cast<AllocaInst>(SI->getPointerOperand());
              if (!Slot || !onlyLoadedAndStored(*Slot)) {
                O.Escaped = true;
                continue;
              }
              for (User *SU : Slot->users())
                if (auto *LI = dyn_cast<LoadInst>(SU)) {
                  Derived.insert(LI);
                  if (Seen.insert(LI).second)
                    Work.push_back(LI);
                }
              continue;
            }
            if (V->stripPointerCasts() == O.AI && !SI->isVolatile() &&
                DL.getTypeStoreSize(SI->getValueOperand()->getType()).getKnownMinValue() >= O.Bytes)
              Facts[I].Kill.push_back(Id);
            else
              Facts[I].Gen.push_back(Id);
            continue;
          }
          if (isa<PtrToIntInst, ReturnInst, InsertValueInst, InsertElementInst>(I) ||
              (isa<AtomicCmpXchgInst>(I) && U.getOperandNo() != 0) ||
              (isa<AtomicRMWInst>(I) && U.getOperandNo() != 0)) {
            O.Escaped = true;
            continue;
          }
          // Loads, calls (a use at the call: callees are trusted not to
          // keep the pointer), comparisons and the rest read it here.
          Facts[I].Gen.push_back(Id);
        }
      }
      // A scope from the frontend decides; markers only without one.
      if (O.Var)
        O.Markers = false;
    }
    // Where the frontend named the variables, the objects it did not name
    // are Clang's temporaries. Clang marks their lifetimes only when
    // optimising, so the markers are ignored and a temporary counts only
    // where it is live: the same answer at every -O level.
    for (const Object &O : Objects)
      Tagged |= O.Var.has_value();
    if (Tagged)
      for (Object &O : Objects)
        O.Markers = false;
    LLVM_DEBUG(dbgs() << "weft-live: " << F.getName() << ": " << Objects.size() << " objects, "
                      << Points.size() << " points\n");
  }

  /// A slot whose address is only used to load from it and store to it.
  static bool onlyLoadedAndStored(const AllocaInst &Slot) {
    for (const Use &U : Slot.uses()) {
      const auto *I = cast<Instruction>(U.getUser());
      if (isa<LoadInst>(I))
        continue;
      if (isa<StoreInst>(I) && U.getOperandNo() == 1)
        continue;
      if (const auto *II = dyn_cast<IntrinsicInst>(I); II && II->isLifetimeStartOrEnd())
        continue;
      return false;
    }
    return true;
  }

  /// The position of an instruction, if it has one.
  static std::optional<Pos> positionOf(const Instruction &I) {
    const DILocation *L = I.getDebugLoc().get();
    if (!L || L->getLine() == 0)
      return std::nullopt;
    while (L->getInlinedAt())
      L = L->getInlinedAt();
    return Pos{L->getLine(), L->getColumn()};
  }

  bool inScope(const Object &O, Pos P) const {
    assert(O.Var && "a scope comes from the frontend");
    return Pos{O.Var->Line, O.Var->Column} <= P && P <= Pos{O.Var->EndLine, O.Var->EndColumn};
  }

  /// Objects whose scope does not contain the instruction's position: a
  /// path through it has left their lifetime.
  const BitVector *scopeKill(const Instruction &I) {
    if (!AnyScope)
      return nullptr;
    std::optional<Pos> P = positionOf(I);
    if (!P)
      return nullptr;
    uint64_t Key = (uint64_t(P->first) << 32) | P->second;
    auto [It, New] = ScopeKills.try_emplace(Key);
    if (New) {
      It->second.resize(Objects.size());
      for (unsigned Id = 0; Id < Objects.size(); ++Id)
        if (Objects[Id].Var && !inScope(Objects[Id], *P))
          It->second.set(Id);
    }
    return &It->second;
  }

  /// Backward transfer of object liveness over one instruction.
  void transferObjects(const Instruction &I, BitVector &Live) {
    if (const BitVector *K = scopeKill(I))
      Live.reset(*K);
    auto It = Facts.find(&I);
    if (It == Facts.end())
      return;
    for (unsigned Id : It->second.Kill)
      Live.reset(Id);
    for (unsigned Id : It->second.Start)
      if (Objects[Id].Markers)
        Live.reset(Id);
    for (unsigned Id : It->second.End)
      if (Objects[Id].Markers)
        Live.reset(Id);
    for (unsigned Id : It->second.Gen)
      Live.set(Id);
  }

  /// Objects some later instruction may read: a backward dataflow over
  /// the blocks, then one scan of each block that holds a blocking point.
  /// Clang's cleanup destination slot: when optimising, it ends each
  /// variable's lifetime in a cleanup block that every way out of a scope
  /// shares, and records in an i32 slot where to go next (a switch on it
  /// at the end of the cleanup). Without following the slot, a `return`
  /// inside a scope would seem to reach the code after the scope, which at
  /// -O0 (no cleanups) it does not. The slot is only stored constants and
  /// loaded for switches.
  static bool isCleanupSlot(const AllocaInst &AI) {
    if (!AI.getAllocatedType()->isIntegerTy(32) || AI.getMetadata(LocalMDKind) || AI.use_empty())
      return false;
    for (const User *U : AI.users()) {
      if (const auto *SI = dyn_cast<StoreInst>(U)) {
        if (SI->getPointerOperand() != &AI || !isa<ConstantInt>(SI->getValueOperand()))
          return false;
        continue;
      }
      const auto *LI = dyn_cast<LoadInst>(U);
      if (!LI || LI->use_empty())
        return false;
      for (const User *LU : LI->users()) {
        const auto *SW = dyn_cast<SwitchInst>(LU);
        if (!SW || SW->getCondition() != LI || SW->getParent() != LI->getParent())
          return false;
      }
    }
    return true;
  }

  /// Clang's return value slot: stored, and loaded only to be returned.
  /// Optimising, Clang makes one for every function that returns from
  /// inside a scope with cleanups; at -O0 only with several returns.
  static bool isReturnSlot(const AllocaInst &AI) {
    if (AI.getMetadata(LocalMDKind) || AI.use_empty())
      return false;
    bool Loaded = false;
    for (const User *U : AI.users()) {
      if (const auto *SI = dyn_cast<StoreInst>(U)) {
        if (SI->getPointerOperand() != &AI)
          return false;
        continue;
      }
      const auto *LI = dyn_cast<LoadInst>(U);
      if (!LI || !LI->hasOneUse() || !isa<ReturnInst>(*LI->user_begin()))
        return false;
      Loaded = true;
    }
    return Loaded;
  }

  /// The graph the dataflows run on: a node per block and value of the
  /// cleanup slot reaching it (unknown, or the constant stored last), so a
  /// switch on the slot goes only where the stored value sends it.
  void buildGraph() {
    for (Instruction &I : F.getEntryBlock())
      if (auto *AI = dyn_cast<AllocaInst>(&I); AI && isCleanupSlot(*AI)) {
        Slot = AI;
        break;
      }
    static constexpr int64_t Unknown = INT64_MIN;
    DenseMap<std::pair<const BasicBlock *, int64_t>, unsigned> Id;
    std::vector<std::pair<const BasicBlock *, int64_t>> Work;
    auto NodeOf = [&](const BasicBlock *BB, int64_t V) {
      auto [It, New] = Id.try_emplace({BB, V}, NodeBlock.size());
      if (New) {
        NodeBlock.push_back(BB);
        NodeSucc.emplace_back();
        NodesOf[BB].push_back(It->second);
        Work.push_back({BB, V});
      }
      return It->second;
    };
    NodeOf(&F.getEntryBlock(), Unknown);
    while (!Work.empty()) {
      auto [BB, V] = Work.back();
      Work.pop_back();
      unsigned From = Id[{BB, V}];
      for (const Instruction &I : *BB)
        if (const auto *SI = dyn_cast<StoreInst>(&I); SI && Slot && SI->getPointerOperand() == Slot)
          V = cast<ConstantInt>(SI->getValueOperand())->getSExtValue();
      const Instruction *Term = BB->getTerminator();
      SmallVector<const BasicBlock *, 4> Targets;
      const auto *SW = dyn_cast_or_null<SwitchInst>(Term);
      const auto *Cond = SW ? dyn_cast<LoadInst>(SW->getCondition()) : nullptr;
      if (Cond && Cond->getPointerOperand() == Slot && V != Unknown) {
        auto Case = SW->findCaseValue(ConstantInt::get(cast<IntegerType>(Slot->getAllocatedType()), V));
        Targets.push_back(Case->getCaseSuccessor());
      } else if (Term) {
        for (const BasicBlock *S : successors(BB))
          Targets.push_back(S);
      }
      for (const BasicBlock *S : Targets) {
        unsigned To = NodeOf(S, V);
        if (!is_contained(NodeSucc[From], To))
          NodeSucc[From].push_back(To);
      }
    }
    // Post order of the nodes, from the entry.
    std::vector<char> Seen(NodeBlock.size());
    std::vector<std::pair<unsigned, unsigned>> Stack{{0, 0}};
    Seen[0] = 1;
    while (!Stack.empty()) {
      auto &[N, Next] = Stack.back();
      if (Next < NodeSucc[N].size()) {
        unsigned S = NodeSucc[N][Next++];
        if (!Seen[S]) {
          Seen[S] = 1;
          Stack.push_back({S, 0});
        }
        continue;
      }
      PostOrder.push_back(N);
      Stack.pop_back();
    }
    LLVM_DEBUG(dbgs() << "weft-live: " << F.getName() << ": " << NodeBlock.size()
                      << " nodes for " << F.size() << " blocks"
                      << (Slot ? ", following the cleanup slot" : "") << "\n");
  }

  /// A backward dataflow over the node graph: `Transfer` one instruction,
  /// `Edge` adds what an edge from a node into a block makes live (phi
  /// operands). Calls `AtPoint` with the state just after each point, once
  /// per node of its block.
  template <typename TransferFn, typename EdgeFn, typename PointFn>
  void backward(unsigned Bits, TransferFn Transfer, EdgeFn Edge, PointFn AtPoint) {
    std::vector<BitVector> LiveIn(NodeBlock.size(), BitVector(Bits));
    auto LiveOut = [&](unsigned N) {
      BitVector Out(Bits);
      for (unsigned S : NodeSucc[N]) {
        Out |= LiveIn[S];
        Edge(*NodeBlock[N], *NodeBlock[S], Out);
      }
      return Out;
    };
    bool Changed = true;
    while (Changed) {
      Changed = false;
      for (unsigned N : PostOrder) { // successors first
        BitVector Live = LiveOut(N);
        for (const Instruction &I : reverse(*NodeBlock[N]))
          Transfer(I, Live);
        if (Live != LiveIn[N]) {
          LiveIn[N] = std::move(Live);
          Changed = true;
        }
      }
    }
    DenseSet<const BasicBlock *> WithPoints;
    for (const LivePoint &P : Points)
      WithPoints.insert(P.Call->getParent());
    for (const BasicBlock *BB : WithPoints) {
      auto It = NodesOf.find(BB);
      if (It == NodesOf.end())
        continue; // unreachable
      for (unsigned N : It->second) {
        BitVector Live = LiveOut(N);
        for (const Instruction &I : reverse(*BB)) {
          // After an invoke: the live-out of its block, the normal and the
          // unwind successors'.
          if (auto P = PointIndex.find(&I); P != PointIndex.end())
            AtPoint(P->second, Live);
          Transfer(I, Live);
        }
      }
    }
  }

  void objectLiveness() {
    for (const Object &O : Objects)
      AnyScope |= O.Var.has_value();
    unsigned N = Objects.size();
    for (size_t P = 0; P < Points.size(); ++P)
      LiveAfter[P] = BitVector(N);
    backward(
        N, [&](const Instruction &I, BitVector &Live) { transferObjects(I, Live); },
        [](const BasicBlock &, const BasicBlock &, BitVector &) {},
        [&](size_t P, const BitVector &Live) { LiveAfter[P] |= Live; });
  }

  /// Which objects are in their lifetime at each point, and which are live.
  void objectLifetimes() {
    unsigned N = Objects.size();
    // Markers: a forward dataflow, started and not yet ended.
    bool AnyMarkers = false;
    for (const Object &O : Objects)
      AnyMarkers |= O.Markers;
    DenseMap<const BasicBlock *, BitVector> Out;
    auto Transfer = [&](const Instruction &I, BitVector &In) {
      auto It = Facts.find(&I);
      if (It == Facts.end())
        return;
      for (unsigned Id : It->second.End)
        In.reset(Id);
      for (unsigned Id : It->second.Start)
        In.set(Id);
    };
    if (AnyMarkers) {
      for (BasicBlock &BB : F)
        Out[&BB] = BitVector(N);
      ReversePostOrderTraversal<Function *> RPO(&F);
      bool Changed = true;
      while (Changed) {
        Changed = false;
        for (BasicBlock *BB : RPO) {
          BitVector In(N);
          for (const BasicBlock *P : predecessors(BB))
            In |= Out[P];
          for (const Instruction &I : *BB)
            Transfer(I, In);
          if (In != Out[BB]) {
            Out[BB] = std::move(In);
            Changed = true;
          }
        }
      }
    }
    for (size_t PI = 0; PI < Points.size(); ++PI) {
      LivePoint &P = Points[PI];
      BitVector InLifetime(N);
      if (AnyMarkers) {
        const BasicBlock *BB = P.Call->getParent();
        for (const BasicBlock *Pred : predecessors(BB))
          InLifetime |= Out[Pred];
        for (const Instruction &I : *BB) {
          if (&I == P.Call)
            break;
          Transfer(I, InLifetime);
        }
      }
      std::optional<Pos> At = positionOf(*P.Call);
      SmallDenseSet<unsigned, 4> Args;
      if (auto It = Facts.find(P.Call); It != Facts.end())
        Args.insert(It->second.Gen.begin(), It->second.Gen.end());
      for (unsigned Id = 0; Id < N; ++Id) {
        const Object &O = Objects[Id];
        bool UsedByCall = Args.count(Id) != 0;
        bool Live = UsedByCall || O.Escaped || LiveAfter[PI].test(Id);
        bool In = O.Var       ? (!At || inScope(O, *At))
                  : O.Markers ? InLifetime.test(Id)
                  : Tagged    ? Live // a temporary of Clang's
                              : true;
        if (!In)
          continue;
        P.PinnedBytes += O.Bytes;
        if (Live)
          P.Objects.push_back({O.AI, O.Bytes, UsedByCall, O.Escaped});
      }
    }
  }

  /// SSA values defined before a point and used after it.
  void valueLiveness() {
    auto Bytes = [&](const Value *V) -> uint64_t {
      Type *T = V->getType();
      if (T->isVoidTy() || T->isTokenTy() || T->isLabelTy() || T->isMetadataTy() ||
          !T->isSized())
        return 0;
      TypeSize S = DL.getTypeStoreSize(T);
      return S.isScalable() ? 0 : S.getFixedValue();
    };
    // Addresses of stack objects are rematerialized from the frame, not
    // spilled.
    auto Counts = [&](const Value *V) {
      return !isa<AllocaInst>(V) && !Derived.count(V) && Bytes(V) > 0;
    };
    // Values used only in their own block are handled by position; the
    // others by a dataflow over the blocks.
    std::vector<Value *> Global;
    DenseMap<const Value *, unsigned> GlobalIndex;
    auto IsGlobal = [&](const Value *V) {
      if (isa<Argument>(V))
        return true;
      const auto *I = cast<Instruction>(V);
      for (const User *U : I->users())
        if (isa<PHINode>(U) || cast<Instruction>(U)->getParent() != I->getParent())
          return true;
      return false;
    };
    for (Argument &A : F.args())
      if (Counts(&A) && !A.use_empty()) {
        GlobalIndex[&A] = Global.size();
        Global.push_back(&A);
      }
    DenseMap<const BasicBlock *, SmallVector<LivePoint *, 4>> PointsIn;
    for (LivePoint &P : Points)
      PointsIn[P.Call->getParent()].push_back(&P);
    DenseMap<const Instruction *, unsigned> Ord;
    for (BasicBlock &BB : F) {
      unsigned N = 0;
      for (Instruction &I : BB)
        Ord[&I] = N++;
    }
    for (Instruction &I : instructions(F)) {
      if (I.use_empty() || !Counts(&I))
        continue;
      if (IsGlobal(&I)) {
        GlobalIndex[&I] = Global.size();
        Global.push_back(&I);
        continue;
      }
      // Block-local: spans the points between it and its last use.
      auto In = PointsIn.find(I.getParent());
      if (In == PointsIn.end())
        continue;
      unsigned Last = 0;
      for (const User *U : I.users())
        Last = std::max(Last, Ord[cast<Instruction>(U)]);
      for (LivePoint *P : In->second)
        if (Ord[&I] < Ord[P->Call] && Ord[P->Call] < Last)
          P->SpillBytes += Bytes(&I);
    }
    if (Global.empty())
      return;
    unsigned N = Global.size();
    std::vector<BitVector> Across(Points.size(), BitVector(N));
    backward(
        N,
        [&](const Instruction &I, BitVector &Live) {
          if (auto It = GlobalIndex.find(&I); It != GlobalIndex.end())
            Live.reset(It->second);
          if (isa<PHINode>(I))
            return; // its operands are live on the edges
          for (const Value *Op : I.operands())
            if (auto It = GlobalIndex.find(Op); It != GlobalIndex.end())
              Live.set(It->second);
        },
        [&](const BasicBlock &From, const BasicBlock &To, BitVector &Out) {
          for (const PHINode &Phi : To.phis()) {
            auto It = GlobalIndex.find(Phi.getIncomingValueForBlock(&From));
            if (It != GlobalIndex.end())
              Out.set(It->second);
          }
        },
        [&](size_t P, const BitVector &Live) { Across[P] |= Live; });
    for (size_t P = 0; P < Points.size(); ++P) {
      // Defined by the call, not live across it.
      if (auto Own = GlobalIndex.find(Points[P].Call); Own != GlobalIndex.end())
        Across[P].reset(Own->second);
      for (unsigned V : Across[P].set_bits())
        Points[P].SpillBytes += Bytes(Global[V]);
    }
  }

  Function &F;
  const DataLayout &DL;
  std::vector<LivePoint> Points;
  DenseMap<const Instruction *, size_t> PointIndex;
  std::vector<Object> Objects;
  DenseMap<const Instruction *, InstFacts> Facts;
  DenseSet<const Value *> Derived;
  DenseMap<uint64_t, BitVector> ScopeKills;
  DenseMap<size_t, BitVector> LiveAfter;
  bool AnyScope = false;
  bool Tagged = false; // the frontend named this function's variables
  // The node graph (buildGraph).
  AllocaInst *Slot = nullptr;
  std::vector<const BasicBlock *> NodeBlock;
  std::vector<SmallVector<unsigned, 2>> NodeSucc;
  DenseMap<const BasicBlock *, SmallVector<unsigned, 1>> NodesOf;
  std::vector<unsigned> PostOrder;
};

} // namespace

LiveState::LiveState(Module &M, const BlockingGraph &G) : M(M), G(G) {
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    std::vector<LivePoint> Found = FunctionLiveness(F, G).run();
    if (Found.empty())
      continue;
    for (size_t I = 0; I < Found.size(); ++I)
      Index[Found[I].Call] = {&F, I};
    Points[&F] = std::move(Found);
  }
  // The largest pinned total down any chain of calls to a blocking point,
  // depth first; a function met again on the current chain is recursion.
  DenseSet<const Function *> OnChain;
  std::function<std::optional<uint64_t>(const Function &)> Visit =
      [&](const Function &F) -> std::optional<uint64_t> {
    if (auto It = MaxPinned.find(&F); It != MaxPinned.end())
      return It->second;
    if (!OnChain.insert(&F).second)
      return std::nullopt;
    std::optional<uint64_t> Best = 0;
    for (const LivePoint &P : points(F)) {
      if (P.State != Blocking::Blocks)
        continue; // a chain ends at a call that blocks
      std::optional<uint64_t> Below = 0;
      for (const CallSite &CS : G.callSites(F)) {
        if (CS.Call != P.Call)
          continue;
        for (const Function *C : CS.Callees) {
          if (C->isDeclaration() || G.facts(*C).State != Blocking::Blocks)
            continue;
          std::optional<uint64_t> Sub = Visit(*C);
          Below = Sub && Below ? std::optional<uint64_t>(std::max(*Below, *Sub)) : std::nullopt;
        }
      }
      Best = Below && Best ? std::optional<uint64_t>(std::max(*Best, P.PinnedBytes + *Below))
                           : std::nullopt;
    }
    OnChain.erase(&F);
    MaxPinned[&F] = Best;
    return Best;
  };
  for (Function &F : M)
    if (!F.isDeclaration())
      Visit(F);
  // Thread entries: the start routine of pthread_create(t, attr, fn, arg)
  // and weft_spawn(t, attr, fn, arg).
  DenseSet<const Function *> IsEntry;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (const Function *Entry = CB ? startRoutineOf(*CB) : nullptr)
        if (!Entry->isDeclaration())
          IsEntry.insert(Entry);
    }
  }
  for (const Function &F : M)
    if (IsEntry.count(&F))
      Entries.push_back(&F);
}

const LivePoint *LiveState::at(const CallBase &CB) const {
  auto It = Index.find(&CB);
  if (It == Index.end())
    return nullptr;
  return &Points.find(It->second.first)->second[It->second.second];
}

const std::vector<LivePoint> &LiveState::points(const Function &F) const {
  auto It = Points.find(&F);
  return It == Points.end() ? None : It->second;
}

std::optional<uint64_t> LiveState::maxPinnedBytes(const Function &F) const {
  auto It = MaxPinned.find(&F);
  return It == MaxPinned.end() ? std::optional<uint64_t>(0) : It->second;
}

namespace {

std::string objectName(const AllocaInst &AI) {
  if (std::optional<LocalVariable> V = localVariableOf(AI))
    return "'" + V->Name + "'";
  if (AI.hasName())
    return "stack object '%" + AI.getName().str() + "'";
  return "an unnamed stack object";
}

std::string calleeText(const CallBase &CB, const BlockingGraph &G) {
  if (const Function *F = directCallee(CB))
    return "'" + displayName(F->getName()) + "'";
  Function *Culprit = nullptr;
  G.stateOfCall(CB, &Culprit);
  return Culprit ? "indirect call (which may call '" + displayName(Culprit->getName()) + "')"
                 : "indirect call";
}

} // namespace

void LiveState::print(raw_ostream &OS) const {
  OS << "weft live state for '" << M.getModuleIdentifier() << "'\n";
  for (const Function &F : M) {
    const std::vector<LivePoint> &Ps = points(F);
    if (Ps.empty())
      continue;
    std::optional<uint64_t> Max = maxPinnedBytes(F);
    OS << "function " << F.getName() << ": max pinned "
       << (Max ? std::to_string(*Max) : std::string("unbounded (recursion)")) << "\n";
    for (const LivePoint &P : Ps) {
      SourceLoc L = userLocationOf(*P.Call);
      OS << "  " << (P.State == Blocking::Blocks ? "blocks" : "unknown") << " "
         << calleeText(*P.Call, G);
      if (L.valid())
        OS << " (line " << L.Line << ")";
      OS << ": live " << P.LiveBytes << ", pinned " << P.PinnedBytes << ", spilled "
         << P.SpillBytes << "\n";
      for (const LiveObject &O : P.Objects) {
        OS << "    " << objectName(*O.Alloca) << " " << O.Bytes;
        if (O.UsedByCall)
          OS << ", used by the call";
        if (O.Escaped)
          OS << ", escapes";
        OS << "\n";
      }
    }
  }
}

bool LiveState::invalidate(Module &, const PreservedAnalyses &PA,
                           ModuleAnalysisManager::Invalidator &) {
  auto PAC = PA.getChecker<LiveStateAnalysis>();
  return !PAC.preserved() && !PAC.preservedSet<AllAnalysesOn<Module>>();
}

LiveState LiveStateAnalysis::run(Module &M, ModuleAnalysisManager &MAM) {
  return LiveState(M, MAM.getResult<BlockingGraphAnalysis>(M));
}

PreservedAnalyses LiveStatePrinter::run(Module &M, ModuleAnalysisManager &MAM) {
  MAM.getResult<LiveStateAnalysis>(M).print(OS);
  return PreservedAnalyses::all();
}

unsigned checkLiveState(const LiveState &LS, uint64_t Threshold, DiagnosticSink &Sink) {
  const BlockingGraph &G = LS.graph();
  unsigned Warnings = 0;
  for (const Function &F : G.module()) {
    for (const LivePoint &P : LS.points(F)) {
      if (P.State != Blocking::Blocks || P.LiveBytes <= Threshold)
        continue;
      Function *Culprit = nullptr;
      G.stateOfCall(*P.Call, &Culprit);
      const Function *Direct = directCallee(*P.Call);
      bool Table = Direct && G.facts(*Direct).Why == Origin::Table;
      std::string What = calleeText(*P.Call, G);
      std::string Msg = Table ? What + " blocks" : (Direct ? "call to " : "") + What + " may block";
      Msg += " while " + withThousands(P.LiveBytes) + " bytes of this frame are live";
      Sink.report(Severity::Warning, userLocationOf(*P.Call), Msg + " [weft-live-state]");
      ++Warnings;
      // The largest objects first, and what to do about each.
      unsigned Shown = 0;
      for (const LiveObject &O : P.Objects) {
        // Three at most, and only those that make up a tenth of the total.
        if (Shown == 3 || O.Bytes * 10 < P.LiveBytes)
          break;
        ++Shown;
        SourceLoc Where;
        if (std::optional<LocalVariable> V = localVariableOf(*O.Alloca)) {
          Where.File = V->File;
          Where.Line = V->Line;
          Where.Column = V->Column;
        }
        std::string Note = objectName(*O.Alloca) + " (" + withThousands(O.Bytes) + " bytes)";
        if (O.UsedByCall)
          Note += " is used by the blocking call itself; shrink it, or make it static or "
                  "heap-allocated";
        else if (O.Escaped)
          Note += " has its address stored, so it stays live in its whole scope; make it "
                  "static or heap-allocated, or end its scope before the call";
        else
          Note += " is used after the call; end its scope before the call, shrink it, or "
                  "make it static or heap-allocated";
        Sink.report(Severity::Note, Where, Note);
      }
      if (P.SpillBytes >= 64)
        Sink.report(Severity::Note, SourceLoc(),
                    withThousands(P.SpillBytes) +
                        " bytes of values computed before the call are used after it");
    }
  }
  NumLiveStateWarnings += Warnings;
  return Warnings;
}

} // namespace weft
