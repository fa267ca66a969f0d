//===- Checkpoints.cpp ----------------------------------------------------===//
#include "Checkpoints.h"

#include "Calls.h"
#include "Diagnostics.h"
#include "StackBounds.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace weft {

namespace {

bool canInstrument(const CallBase &CB) {
  if (isa<CallBrInst>(CB))
    return false;
  if (const auto *CI = dyn_cast<CallInst>(&CB))
    if (CI->isMustTailCall())
      return false;
  for (unsigned A = 0; A < CB.arg_size(); ++A)
    if (CB.isInAllocaArgument(A) || CB.paramHasAttr(A, Attribute::Preallocated))
      return false;
  return !CB.hasOperandBundles();
}

/// The running user thread's stack limit: the word at %fs:0x70 in the
/// thread control block (address space 257 is %fs on x86-64), the slot
/// glibc reserves for split stacks and leaves 0 on threads it creates.
Value *loadStackLimit(IRBuilder<> &B) {
  LLVMContext &C = B.getContext();
  Type *I64 = Type::getInt64Ty(C);
  Constant *Slot = ConstantExpr::getIntToPtr(ConstantInt::get(I64, StackLimitSlot),
                                             PointerType::get(C, StackLimitAddrSpace));
  return B.CreateLoad(I64, Slot, "weft.limit");
}

void copyCodegenAttrs(const Function &From, Function &To) {
  if (From.hasFnAttribute(Attribute::UWTable))
    To.addFnAttr(From.getFnAttribute(Attribute::UWTable));
  for (StringRef A : {"frame-pointer", "target-cpu", "target-features"})
    if (From.hasFnAttribute(A))
      To.addFnAttr(From.getFnAttribute(A));
}

FunctionCallee callOnNewSegment(Module &M) {
  LLVMContext &C = M.getContext();
  auto *Ptr = PointerType::getUnqual(C);
  return M.getOrInsertFunction(
      CallOnNewSegmentName,
      FunctionType::get(Type::getVoidTy(C), {Ptr, Ptr, Type::getInt64Ty(C)}, false));
}

/// The thunk that makes `CB` on a new segment: it reads the callee (if
/// indirect) and the operands from a context object and writes the result
/// back. Fields: operands..., callee if indirect, result if any.
Function *makeThunk(CallBase &CB, StructType *Ctx, unsigned Id) {
  Module &M = *CB.getModule();
  LLVMContext &C = M.getContext();
  auto *Ty = FunctionType::get(Type::getVoidTy(C), {PointerType::getUnqual(C)}, false);
  Function *Thunk = Function::Create(Ty, GlobalValue::InternalLinkage,
                                     "__weft_thunk." + std::to_string(Id), M);
  Thunk->addFnAttr(Attribute::NoInline);
  copyCodegenAttrs(*CB.getFunction(), *Thunk);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Thunk));
  Value *Ctxp = Thunk->getArg(0);
  SmallVector<Value *, 8> Args;
  unsigned Field = 0;
  for (; Field < CB.arg_size(); ++Field)
    Args.push_back(B.CreateLoad(Ctx->getElementType(Field), B.CreateStructGEP(Ctx, Ctxp, Field)));
  Value *Callee = CB.getCalledOperand();
  if (!directCallee(CB)) {
    Callee = B.CreateLoad(Ctx->getElementType(Field), B.CreateStructGEP(Ctx, Ctxp, Field));
    ++Field;
  }
  CallInst *Call = B.CreateCall(CB.getFunctionType(), Callee, Args);
  Call->setCallingConv(CB.getCallingConv());
  Call->setAttributes(CB.getAttributes());
  if (!CB.getType()->isVoidTy())
    B.CreateStore(Call, B.CreateStructGEP(Ctx, Ctxp, Field));
  B.CreateRetVoid();
  return Thunk;
}

/// The slow path of a checkpoint, out of line so that the caller's fast
/// path keeps its registers and frame: it takes the call's operands (and
/// the callee, if indirect), stores them in a context on its own small
/// frame (the runtime keeps a reserve below the limit for it) and runs the
/// thunk on a new segment of `Segment` bytes.
Function *makeSlowPath(CallBase &CB, StructType *Ctx, Function *Thunk, uint64_t Segment,
                       unsigned Id, CallInst *&Runtime) {
  Module &M = *CB.getModule();
  LLVMContext &C = M.getContext();
  SmallVector<Type *, 8> Params(Ctx->elements());
  if (!CB.getType()->isVoidTy())
    Params.pop_back();
  auto *Ty = FunctionType::get(CB.getType(), Params, false);
  Function *Slow = Function::Create(Ty, GlobalValue::InternalLinkage,
                                    "__weft_slow." + std::to_string(Id), M);
  Slow->addFnAttr(Attribute::NoInline);
  Slow->addFnAttr(Attribute::Cold);
  Slow->addFnAttr(SlowPathAttr);
  if (CB.doesNotThrow())
    Slow->addFnAttr(Attribute::NoUnwind);
  copyCodegenAttrs(*CB.getFunction(), *Slow);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Slow));
  AllocaInst *Ctxp = B.CreateAlloca(Ctx, nullptr, "weft.ctx");
  unsigned Field = 0;
  for (Argument &A : Slow->args())
    B.CreateStore(&A, B.CreateStructGEP(Ctx, Ctxp, Field++));
  Type *I64 = Type::getInt64Ty(C);
  Runtime = B.CreateCall(callOnNewSegment(M), {Thunk, Ctxp, ConstantInt::get(I64, Segment)});
  if (CB.getType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(B.CreateLoad(CB.getType(), B.CreateStructGEP(Ctx, Ctxp, Field)));
  return Slow;
}

/// An instrumented call and the two constants that depend on frame sizes.
struct Site {
  CallBase *Call;      ///< the call as written, on the fast path
  Instruction *Room;   ///< sp - need
  CallInst *Segment;   ///< the slow path's call into the runtime
  Function *Thunk;
};

Site instrument(CallBase &CB, uint64_t Need, unsigned Id) {
  Module &M = *CB.getModule();
  LLVMContext &C = M.getContext();
  Type *I64 = Type::getInt64Ty(C);

  SmallVector<Type *, 8> Fields;
  SmallVector<Value *, 8> Operands(CB.args());
  for (Value *A : CB.args())
    Fields.push_back(A->getType());
  if (!directCallee(CB)) {
    Fields.push_back(CB.getCalledOperand()->getType());
    Operands.push_back(CB.getCalledOperand());
  }
  if (!CB.getType()->isVoidTy())
    Fields.push_back(CB.getType());
  StructType *Ctx = StructType::get(C, Fields);
  Function *Thunk = makeThunk(CB, Ctx, Id);
  // The new segment also holds the thunk's own frame.
  uint64_t Segment = Need + frameBound(*Thunk).value_or(LargeSegmentBytes);
  CallInst *Runtime = nullptr;
  Function *Slow = makeSlowPath(CB, Ctx, Thunk, Segment, Id, Runtime);

  // The check: sp - need < limit (unsigned; the limit is 0 off weft threads).
  IRBuilder<> B(&CB);
  Value *SP = B.CreatePtrToInt(B.CreateStackSave(), I64);
  auto *Room = cast<Instruction>(B.CreateSub(SP, ConstantInt::get(I64, Need), "weft.room"));
  Value *Low = B.CreateICmpULT(Room, loadStackLimit(B), "weft.low");
  Instruction *SlowTerm = nullptr, *FastTerm = nullptr;
  MDNode *Unlikely = MDBuilder(C).createBranchWeights(1, 1 << 20);
  SplitBlockAndInsertIfThenElse(Low, &CB, &SlowTerm, &FastTerm, Unlikely);
  BasicBlock *Tail = CB.getParent();
  BasicBlock *Fast = FastTerm->getParent();
  BasicBlock *SlowBB = SlowTerm->getParent();
  CB.moveBefore(FastTerm);
  CallBase *SlowCall;
  if (auto *Invoke = dyn_cast<InvokeInst>(&CB)) {
    // The invoke ends the fast block and continues at Tail, which becomes
    // the merge block; both paths unwind to the same landing pad.
    BasicBlock *Normal = Invoke->getNormalDest();
    BasicBlock *Unwind = Invoke->getUnwindDest();
    FastTerm->eraseFromParent();
    Invoke->setNormalDest(Tail);
    BranchInst::Create(Normal, Tail);
    SlowTerm->eraseFromParent();
    SlowCall = InvokeInst::Create(Slow, Tail, Unwind, Operands, "", SlowBB);
    for (PHINode &Phi : Unwind->phis()) {
      Value *V = Phi.getIncomingValueForBlock(Tail);
      Phi.setIncomingBlock(Phi.getBasicBlockIndex(Tail), Fast);
      Phi.addIncoming(V, SlowBB);
    }
  } else {
    SlowCall = CallInst::Create(Slow, Operands, "", SlowTerm);
  }
  CB.setMetadata(CheckpointMD, MDNode::get(C, {}));
  Site S{&CB, Room, Runtime, Thunk};
  if (!CB.getType()->isVoidTy()) {
    PHINode *Phi = PHINode::Create(CB.getType(), 2, "weft.result");
    Phi->insertBefore(Tail->getFirstInsertionPt());
    CB.replaceAllUsesWith(Phi);
    Phi->addIncoming(SlowCall, SlowBB);
    Phi->addIncoming(&CB, Fast);
  }
  return S;
}

} // namespace

PreservedAnalyses CheckpointsPass::run(Module &M, ModuleAnalysisManager &) {
  // The check reads %fs:0x70 and the runtime's trampoline is x86-64 SysV.
  if (Triple(M.getTargetTriple()).getArch() != Triple::x86_64 ||
      M.getNamedMetadata(LinkedStacksMD))
    return PreservedAnalyses::all();
  // Frames as the backend makes them, if it can say.
  auto Measure = [&](StringMap<uint64_t> &Sizes) {
    if (!Codegen)
      return false;
    std::string Err;
    if (codegenFrameSizes(M, *Codegen, Sizes, Err))
      return true;
    if (Sink)
      Sink->report(Severity::Warning, SourceLoc(),
                   "weft: cannot measure stack frames with the backend (" + Err +
                       "); checkpoints use the estimate from the IR");
    return false;
  };
  StringMap<uint64_t> Before;
  bool Exact = Measure(Before);
  std::vector<Site> Sites;
  {
    StackBounds Stack(M, MaxPath, MinChunk, Exact ? &Before : nullptr);
    std::vector<std::pair<CallBase *, uint64_t>> Work;
    for (Function &F : M) {
      const StackFacts *SF = Stack.facts(F);
      if (!SF)
        continue;
      for (const Checkpoint &CP : SF->Checkpoints)
        if (canInstrument(*CP.Call))
          Work.push_back({CP.Call, CP.NeedBytes ? CP.NeedBytes : LargeSegmentBytes});
    }
    if (Work.empty())
      return PreservedAnalyses::all();
    unsigned Id = 0;
    for (auto [CB, Need] : Work)
      Sites.push_back(instrument(*CB, Need, Id++));
  }
  M.getOrInsertNamedMetadata(LinkedStacksMD);

  // What each checkpoint needs, on the frames of the instrumented code.
  StringMap<uint64_t> After;
  Exact = Exact && Measure(After);
  StackBounds Final(M, MaxPath, MinChunk, Exact ? &After : nullptr);
  Type *I64 = Type::getInt64Ty(M.getContext());
  for (const Site &S : Sites) {
    const StackFacts *SF = Final.facts(*S.Call->getFunction());
    const StackFacts *TF = Final.facts(*S.Thunk);
    auto CP = llvm::find_if(SF->Checkpoints, [&](const Checkpoint &C) { return C.Call == S.Call; });
    uint64_t Need = CP != SF->Checkpoints.end() && CP->NeedBytes ? CP->NeedBytes : LargeSegmentBytes;
    S.Room->setOperand(1, ConstantInt::get(I64, Need));
    S.Segment->setArgOperand(2, ConstantInt::get(I64, Need + Final.callCost(*TF)));
  }
  if (Exact && this->Final) {
    this->Final->Sizes = std::move(After);
    this->Final->Known = true;
  }
  return PreservedAnalyses::none();
}

} // namespace weft
