//===- Scratch.cpp - large stack objects out of the frame -----------------===//
#include "Scratch.h"

#include "Annotations.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "Diagnostics.h"
#include "LiveState.h"
#include "Report.h"
#include "StackBounds.h"
#include "WeftCheck.h"

#include "weft/abi.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/PostOrderIterator.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/Debug.h"
#include "llvm/Transforms/Utils/Local.h"

#define DEBUG_TYPE "weft-scratch"

using namespace llvm;

ALWAYS_ENABLED_STATISTIC(NumScratchObjects, "Stack objects moved to scratch memory");
ALWAYS_ENABLED_STATISTIC(NumScratchBytes, "Bytes of stack objects moved to scratch memory");

namespace weft {

namespace {

constexpr const char *PushName = "__weft_scratch_push";
constexpr const char *PopName = "__weft_scratch_pop";
constexpr const char *EnterName = "__weft_scratch_enter";
constexpr const char *LeaveName = "__weft_scratch_leave";

/// The per-object helpers, linkonce in every object file that needs them:
/// the runtime's push and pop when libweft is linked (a weak reference),
/// malloc and free otherwise.
struct Helpers {
  Function *Enter = nullptr, *Leave = nullptr;
};

/// libweft's push or pop, weak, with the stack bound libweft keeps them in
/// (linked stacks then need no checkpoint before them).
Function *weakRuntime(Module &M, const char *Name, FunctionType *Ty) {
  auto *F = cast<Function>(M.getOrInsertFunction(Name, Ty).getCallee());
  if (F->isDeclaration()) {
    F->setLinkage(GlobalValue::ExternalWeakLinkage);
    F->addFnAttr(AttrStackBound, std::to_string(WEFT_SCRATCH_STACK_BOUND));
  }
  return F;
}

Function *helper(Module &M, const char *Name, FunctionType *Ty) {
  Function *F = Function::Create(Ty, GlobalValue::LinkOnceODRLinkage, Name, M);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->addFnAttr(Attribute::NoUnwind);
  F->addFnAttr(Attribute::NoInline); // one call per site, the branch once
  return F;
}

Helpers helpers(Module &M) {
  LLVMContext &C = M.getContext();
  auto *Ptr = PointerType::getUnqual(C);
  auto *I64 = Type::getInt64Ty(C);
  auto *Void = Type::getVoidTy(C);
  Helpers H;
  if ((H.Enter = M.getFunction(EnterName)) && (H.Leave = M.getFunction(LeaveName)))
    return H;
  FunctionType *EnterTy = FunctionType::get(Ptr, {I64}, false);
  FunctionType *LeaveTy = FunctionType::get(Void, {Ptr}, false);
  Function *Push = weakRuntime(M, PushName, EnterTy);
  Function *Pop = weakRuntime(M, PopName, LeaveTy);
  FunctionCallee Malloc = M.getOrInsertFunction("malloc", EnterTy);
  FunctionCallee Free = M.getOrInsertFunction("free", LeaveTy);
  FunctionCallee Abort = M.getOrInsertFunction("abort", FunctionType::get(Void, false));

  // Without libweft: malloc (16-aligned on glibc, as WEFT_SCRATCH_ALIGN
  // asks), or abort when that fails; and free. They run only when libweft
  // is not linked, where no stack limit is set (WithoutRuntimeAttr).
  Function *Heap = helper(M, "__weft_scratch_heap", EnterTy);
  Heap->addFnAttr(WithoutRuntimeAttr);
  {
    BasicBlock *Entry = BasicBlock::Create(C, "entry", Heap);
    BasicBlock *Out = BasicBlock::Create(C, "out", Heap);
    BasicBlock *Fail = BasicBlock::Create(C, "fail", Heap);
    IRBuilder<> B(Entry);
    Value *P = B.CreateCall(Malloc, {Heap->getArg(0)});
    B.CreateCondBr(B.CreateIsNull(P), Fail, Out);
    B.SetInsertPoint(Out);
    B.CreateRet(P);
    B.SetInsertPoint(Fail);
    B.CreateCall(Abort);
    B.CreateUnreachable();
  }
  Function *HeapFree = helper(M, "__weft_scratch_heap_free", LeaveTy);
  HeapFree->addFnAttr(WithoutRuntimeAttr);
  {
    IRBuilder<> B(BasicBlock::Create(C, "entry", HeapFree));
    B.CreateCall(Free, {HeapFree->getArg(0)});
    B.CreateRetVoid();
  }
  // enter(n) and leave(p): libweft's push or pop if it is linked, else the
  // heap's.
  auto Dispatch = [&](const char *Name, FunctionType *Ty, Function *Runtime, Function *NoRuntime) {
    Function *F = helper(M, Name, Ty);
    BasicBlock *Entry = BasicBlock::Create(C, "entry", F);
    BasicBlock *LinkedBB = BasicBlock::Create(C, "runtime", F);
    BasicBlock *HeapBB = BasicBlock::Create(C, "heap", F);
    IRBuilder<> B(Entry);
    B.CreateCondBr(B.CreateIsNotNull(Runtime), LinkedBB, HeapBB);
    for (auto [BB, Callee] : {std::pair{LinkedBB, Runtime}, std::pair{HeapBB, NoRuntime}}) {
      B.SetInsertPoint(BB);
      CallInst *R = B.CreateCall(Callee, {F->getArg(0)});
      if (Ty->getReturnType()->isVoidTy())
        B.CreateRetVoid();
      else
        B.CreateRet(R);
    }
    return F;
  };
  H.Enter = Dispatch(EnterName, EnterTy, Push, Heap);
  H.Leave = Dispatch(LeaveName, LeaveTy, Pop, HeapFree);
  return H;
}

bool isLifetimeMarker(const Instruction &I, Intrinsic::ID &Id) {
  auto *II = dyn_cast<IntrinsicInst>(&I);
  if (!II || (II->getIntrinsicID() != Intrinsic::lifetime_start &&
              II->getIntrinsicID() != Intrinsic::lifetime_end))
    return false;
  Id = II->getIntrinsicID();
  return true;
}

/// The object a lifetime marker is for, if it is one of ours.
AllocaInst *markedObject(const Instruction &I) {
  return dyn_cast<AllocaInst>(cast<IntrinsicInst>(I).getArgOperand(1)->stripPointerCasts());
}

/// The moves of one function.
class FunctionScratch {
public:
  FunctionScratch(Function &F, const BlockingGraph &G, uint64_t Threshold)
      : F(F), G(G), DL(F.getParent()->getDataLayout()), Threshold(Threshold) {}

  std::vector<MovedObject> run(Helpers (*GetHelpers)(Module &), Module &M) {
    collectCandidates();
    if (Objects.empty())
      return {};
    markUnsafeInstructions();
    checkLifetimes();
    std::vector<MovedObject> Moved;
    Helpers H;
    for (unsigned Id = 0; Id < Objects.size(); ++Id) {
      if (Rejected.test(Id))
        continue;
      if (!H.Enter)
        H = GetHelpers(M);
      Moved.push_back(move(Id, H));
    }
    return Moved;
  }

private:
  struct Object {
    AllocaInst *AI;
    uint64_t Bytes;
    SmallVector<IntrinsicInst *, 2> Starts, Ends;
  };

  void collectCandidates() {
    for (Instruction &I : F.getEntryBlock()) {
      auto *AI = dyn_cast<AllocaInst>(&I);
      if (!AI || !AI->isStaticAlloca() || AI->getAlign().value() > WEFT_SCRATCH_ALIGN)
        continue;
      std::optional<TypeSize> Size = AI->getAllocationSize(DL);
      if (!Size || Size->isScalable() || Size->getFixedValue() < Threshold)
        continue;
      Index[AI] = Objects.size();
      Objects.push_back({AI, Size->getFixedValue(), {}, {}});
    }
    if (Objects.empty())
      return;
    Rejected.resize(Objects.size());
    FunctionWide.resize(Objects.size());
    for (Instruction &I : instructions(F)) {
      Intrinsic::ID Id;
      if (!isLifetimeMarker(I, Id))
        continue;
      AllocaInst *AI = markedObject(I);
      auto It = AI ? Index.find(AI) : Index.end();
      if (It == Index.end())
        continue;
      Object &O = Objects[It->second];
      (Id == Intrinsic::lifetime_start ? O.Starts : O.Ends).push_back(cast<IntrinsicInst>(&I));
    }
    for (unsigned Id = 0; Id < Objects.size(); ++Id) {
      const Object &O = Objects[Id];
      if (O.Starts.empty() != O.Ends.empty())
        Rejected.set(Id);
      else if (O.Starts.empty())
        FunctionWide.set(Id); // no markers: alive in the whole function
    }
  }

  /// Instructions no moved object's lifetime may hold.
  void markUnsafeInstructions() {
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB)
        continue;
      const char *Why = nullptr;
      if (CB->isInlineAsm())
        Why = "inline assembly";
      else if (isa<InvokeInst>(CB) || isa<CallBrInst>(CB) || !CB->doesNotThrow())
        Why = "a call that may throw";
      else if (CB->hasFnAttr(Attribute::ReturnsTwice))
        Why = "a call that returns twice";
      else if (!isIgnoredCall(*CB) && G.stateOfCall(*CB) != Blocking::No)
        Why = "a call that may block";
      if (Why) {
        LLVM_DEBUG(dbgs() << "weft-scratch: " << F.getName() << ": " << Why << ": " << I << "\n");
        Unsafe.insert(&I);
      }
    }
  }

  /// Forward dataflows over the markers: may-be-alive and surely-alive at
  /// each instruction; rejects the objects whose lifetime holds an unsafe
  /// instruction or is not well formed.
  void checkLifetimes() {
    unsigned N = Objects.size();
    // Objects without markers are alive everywhere: any unsafe instruction
    // or return in the function holds them (returns are fine: the pop goes
    // before each).
    if (FunctionWide.any() && !Unsafe.empty())
      Rejected |= FunctionWide;
    BitVector Marked = FunctionWide;
    Marked.flip(); // the objects the dataflow follows
    Marked.reset(Rejected);
    if (Marked.none())
      return;
    DenseMap<const BasicBlock *, BitVector> MayOut, MustOut;
    BitVector All(N, true);
    for (BasicBlock &BB : F) {
      MayOut[&BB] = BitVector(N);
      MustOut[&BB] = All; // the top of the must-lattice
    }
    auto Transfer = [&](const Instruction &I, BitVector &May, BitVector &Must) {
      Intrinsic::ID Id;
      if (!isLifetimeMarker(I, Id))
        return;
      AllocaInst *AI = markedObject(I);
      auto It = AI ? Index.find(AI) : Index.end();
      if (It == Index.end())
        return;
      if (Id == Intrinsic::lifetime_start)
        May.set(It->second), Must.set(It->second);
      else
        May.reset(It->second), Must.reset(It->second);
    };
    auto BlockIn = [&](const BasicBlock *BB, BitVector &May, BitVector &Must) {
      May = BitVector(N);
      Must = BB->isEntryBlock() ? BitVector(N) : All;
      for (const BasicBlock *P : predecessors(BB)) {
        May |= MayOut[P];
        Must &= MustOut[P];
      }
    };
    ReversePostOrderTraversal<Function *> RPO(&F);
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (BasicBlock *BB : RPO) {
        BitVector May, Must;
        BlockIn(BB, May, Must);
        for (const Instruction &I : *BB)
          Transfer(I, May, Must);
        if (May != MayOut[BB] || Must != MustOut[BB]) {
          MayOut[BB] = std::move(May);
          MustOut[BB] = std::move(Must);
          Changed = true;
        }
      }
    }
    // Where each object's uses are: surely alive there.
    DenseMap<const Instruction *, SmallVector<unsigned, 1>> UsesAt;
    for (unsigned Id = 0; Id < N; ++Id) {
      if (!Marked.test(Id))
        continue;
      for (Use &U : Objects[Id].AI->uses()) {
        auto *UI = cast<Instruction>(U.getUser());
        Intrinsic::ID Kind;
        if (isLifetimeMarker(*UI, Kind))
          continue;
        if (auto *Phi = dyn_cast<PHINode>(UI))
          UI = Phi->getIncomingBlock(U)->getTerminator();
        UsesAt[UI].push_back(Id);
      }
    }
    for (BasicBlock *BB : RPO) {
      BitVector May, Must;
      BlockIn(BB, May, Must);
      for (const Instruction &I : *BB) {
        auto Reject = [&](const BitVector &Which, const char *Why) {
          BitVector R = Which;
          R &= Marked;
          R.reset(Rejected);
          LLVM_DEBUG(for (unsigned Id : R.set_bits()) dbgs()
                     << "weft-scratch: " << F.getName() << ": " << Objects[Id].AI->getName()
                     << " stays: " << Why << "\n");
          Rejected |= R;
        };
        if (Unsafe.count(&I))
          Reject(May, "its lifetime holds a call that may block, throw or return twice");
        if (isa<ReturnInst>(I) || isa<ResumeInst>(I))
          Reject(May, "a return while it may be alive");
        if (auto It = UsesAt.find(&I); It != UsesAt.end())
          for (unsigned Id : It->second)
            if (!Must.test(Id))
              Rejected.set(Id);
        Intrinsic::ID Id;
        if (isLifetimeMarker(I, Id)) {
          AllocaInst *AI = markedObject(I);
          auto It = AI ? Index.find(AI) : Index.end();
          if (It != Index.end()) {
            unsigned Obj = It->second;
            // A start where it may be alive would push twice; an end where
            // it may not be would pop what was never pushed.
            if (Id == Intrinsic::lifetime_start ? May.test(Obj) : !Must.test(Obj))
              Rejected.set(Obj);
          }
        }
        Transfer(I, May, Must);
      }
    }
  }

  MovedObject move(unsigned Id, const Helpers &H) {
    Object &O = Objects[Id];
    AllocaInst *AI = O.AI;
    LLVMContext &C = F.getContext();
    auto *Ptr = PointerType::getUnqual(C);
    auto *Size = ConstantInt::get(Type::getInt64Ty(C), O.Bytes);
    MovedObject M;
    M.Function = F.getName().str();
    if (std::optional<LocalVariable> V = localVariableOf(*AI)) {
      M.Variable = V->Name;
      M.Line = V->Line;
    } else {
      M.Variable = AI->getName().str();
    }
    M.Bytes = O.Bytes;

    // The frame keeps where the object is.
    auto *Slot = new AllocaInst(Ptr, DL.getAllocaAddrSpace(), nullptr, DL.getPrefTypeAlign(Ptr),
                                AI->getName() + ".scratch", AI);
    Slot->setDebugLoc(AI->getDebugLoc());
    auto Push = [&](Instruction *Before) {
      IRBuilder<> B(Before);
      CallInst *P = B.CreateCall(H.Enter, {Size});
      P->setDebugLoc(Before->getDebugLoc());
      B.CreateStore(P, Slot);
    };
    auto Pop = [&](Instruction *Before) {
      IRBuilder<> B(Before);
      CallInst *P = B.CreateCall(H.Leave, {B.CreateLoad(Ptr, Slot, AI->getName() + ".at")});
      P->setDebugLoc(Before->getDebugLoc());
    };
    if (O.Starts.empty()) {
      Push(&*F.getEntryBlock().getFirstNonPHIOrDbgOrAlloca());
      for (BasicBlock &BB : F)
        if (isa<ReturnInst>(BB.getTerminator()))
          Pop(BB.getTerminator());
    }
    for (IntrinsicInst *S : O.Starts) {
      Push(S);
      S->eraseFromParent();
    }
    for (IntrinsicInst *E : O.Ends) {
      Pop(E);
      E->eraseFromParent();
    }
    // Every other use reads the pointer where it is.
    for (Use &U : make_early_inc_range(AI->uses())) {
      auto *UI = cast<Instruction>(U.getUser());
      Instruction *Before = UI;
      if (auto *Phi = dyn_cast<PHINode>(UI))
        Before = Phi->getIncomingBlock(U)->getTerminator();
      U.set(new LoadInst(Ptr, Slot, AI->getName() + ".at", Before));
    }
    // Debug info: the variable is where the slot points.
    DIBuilder DIB(*F.getParent(), /*AllowUnresolved=*/false);
    replaceDbgDeclare(AI, Slot, DIB, DIExpression::DerefBefore, 0);
    AI->replaceAllUsesWith(PoisonValue::get(AI->getType())); // metadata uses only
    AI->eraseFromParent();
    ++NumScratchObjects;
    NumScratchBytes += O.Bytes;
    LLVM_DEBUG(dbgs() << "weft-scratch: " << M.Function << ": " << M.Variable << " (" << M.Bytes
                      << " bytes) moves\n");
    return M;
  }

  Function &F;
  const BlockingGraph &G;
  const DataLayout &DL;
  uint64_t Threshold;
  std::vector<Object> Objects;
  DenseMap<const AllocaInst *, unsigned> Index;
  BitVector Rejected, FunctionWide;
  SmallPtrSet<const Instruction *, 8> Unsafe;
};

/// Functions a signal handler may run: those whose address is given to
/// signal() and friends or stored into a `struct sigaction`, and what they
/// call.
DenseSet<const Function *> signalHandlerCode(Module &M, const BlockingGraph &G) {
  DenseSet<const Function *> Code;
  std::vector<const Function *> Work;
  for (Function &F : M) {
    bool Handler = false;
    for (const Use &U : F.uses()) {
      const User *Usr = U.getUser();
      if (const auto *CB = dyn_cast<CallBase>(Usr)) {
        const Function *C = directCallee(*CB);
        StringRef N = C ? C->getName() : "";
        Handler |= CB->isArgOperand(&U) &&
                   (N == "signal" || N == "sigset" || N == "bsd_signal" || N == "sysv_signal" ||
                    N == "__sysv_signal");
      } else if (const auto *St = dyn_cast<StoreInst>(Usr)) {
        // Into a struct sigaction: through a field's address, or at its
        // start (sa_handler is its first member).
        auto IsSigaction = [](const Type *T) {
          const auto *S = dyn_cast_or_null<StructType>(T);
          return S && S->hasName() && S->getName().contains("sigaction");
        };
        const Value *P = St->getPointerOperand();
        const auto *GEP = dyn_cast<GEPOperator>(P);
        const Value *Obj = getUnderlyingObject(P);
        const Type *ObjTy = isa<AllocaInst>(Obj)        ? cast<AllocaInst>(Obj)->getAllocatedType()
                            : isa<GlobalVariable>(Obj) ? cast<GlobalVariable>(Obj)->getValueType()
                                                       : nullptr;
        Handler |= St->getValueOperand() == &F &&
                   ((GEP && IsSigaction(GEP->getSourceElementType())) || IsSigaction(ObjTy));
      }
    }
    if (Handler && Code.insert(&F).second)
      Work.push_back(&F);
  }
  while (!Work.empty()) {
    const Function *F = Work.back();
    Work.pop_back();
    if (F->isDeclaration())
      continue;
    for (const CallSite &CS : G.callSites(*F))
      for (const Function *C : CS.Callees)
        if (Code.insert(C).second)
          Work.push_back(C);
  }
  return Code;
}

} // namespace

std::vector<MovedObject> moveToScratch(Module &M, ModuleAnalysisManager &MAM,
                                       uint64_t Threshold) {
  // Most modules have no object that large: no graph needed then.
  auto HasCandidate = [&](Function &F) {
    if (F.isDeclaration())
      return false;
    for (Instruction &I : F.getEntryBlock())
      if (auto *AI = dyn_cast<AllocaInst>(&I))
        if (std::optional<TypeSize> S = AI->getAllocationSize(M.getDataLayout()))
          if (!S->isScalable() && S->getFixedValue() >= Threshold)
            return true;
    return false;
  };
  std::vector<Function *> Work;
  for (Function &F : M)
    if (HasCandidate(F))
      Work.push_back(&F);
  std::vector<MovedObject> Moved;
  if (Work.empty())
    return Moved;
  const BlockingGraph &G = MAM.getResult<BlockingGraphAnalysis>(M);
  DenseSet<const Function *> Handlers = signalHandlerCode(M, G);
  // The graph is of the module as it was: moves add only calls to the
  // helpers, which never block, and change no call of the graph's.
  for (Function *F : Work) {
    // Off a worker the helpers fall back to malloc, which a signal handler
    // must not call: what a handler runs keeps its objects.
    if (Handlers.count(F))
      continue;
    std::vector<MovedObject> Here = FunctionScratch(*F, G, Threshold).run(&helpers, M);
    Moved.insert(Moved.end(), Here.begin(), Here.end());
  }
  return Moved;
}

PreservedAnalyses ScratchPass::run(Module &M, ModuleAnalysisManager &MAM) {
  std::vector<MovedObject> Moved = moveToScratch(M, MAM, Threshold);
  if (Pending && Pending->Report)
    if (json::Object *R = Pending->Report->getAsObject()) {
      json::Array List;
      for (const MovedObject &O : Moved)
        List.push_back(json::Object{{"function", O.Function},
                                    {"variable", O.Variable},
                                    {"line", O.Line},
                                    {"bytes", O.Bytes}});
      (*R)["scratch"] = std::move(List);
    }
  if (Sink && Stats) {
    uint64_t Bytes = 0;
    for (const MovedObject &O : Moved)
      Bytes += O.Bytes;
    Sink->report(Severity::Remark, SourceLoc(),
                 "weft: " + reportBaseName(M) + ": " + std::to_string(Moved.size()) +
                     " stack objects (" + withThousands(Bytes) +
                     " bytes) moved to scratch memory");
  }
  return Moved.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

} // namespace weft
