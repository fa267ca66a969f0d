//===- Checkpoints.cpp ----------------------------------------------------===//
#include "Checkpoints.h"

#include "Calls.h"
#include "StackBounds.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
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

GlobalVariable *stackLimit(Module &M) {
  if (GlobalVariable *G = M.getGlobalVariable(StackLimitName))
    return G;
  auto *G = new GlobalVariable(M, Type::getInt64Ty(M.getContext()), /*isConstant=*/false,
                               GlobalValue::ExternalLinkage, nullptr, StackLimitName, nullptr,
                               GlobalValue::InitialExecTLSModel);
  return G;
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
  Function *Caller = CB.getFunction();
  if (Caller->hasFnAttribute(Attribute::UWTable))
    Thunk->addFnAttr(Caller->getFnAttribute(Attribute::UWTable));
  for (StringRef A : {"frame-pointer", "target-cpu", "target-features"})
    if (Caller->hasFnAttribute(A))
      Thunk->addFnAttr(Caller->getFnAttribute(A));
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

void instrument(CallBase &CB, uint64_t Need, unsigned Id) {
  Module &M = *CB.getModule();
  LLVMContext &C = M.getContext();
  Function &F = *CB.getFunction();
  Type *I64 = Type::getInt64Ty(C);

  SmallVector<Type *, 8> Fields;
  for (Value *A : CB.args())
    Fields.push_back(A->getType());
  bool Indirect = !directCallee(CB);
  if (Indirect)
    Fields.push_back(CB.getCalledOperand()->getType());
  if (!CB.getType()->isVoidTy())
    Fields.push_back(CB.getType());
  StructType *Ctx = StructType::get(C, Fields);
  Function *Thunk = makeThunk(CB, Ctx, Id);

  // The check: sp - need < limit (unsigned; the limit is 0 off weft threads).
  IRBuilder<> B(&CB);
  Value *SP = B.CreatePtrToInt(B.CreateStackSave(), I64);
  Value *LimitAddr = B.CreateThreadLocalAddress(stackLimit(M));
  Value *Limit = B.CreateLoad(I64, LimitAddr);
  Value *Low = B.CreateICmpULT(B.CreateSub(SP, ConstantInt::get(I64, Need)), Limit);
  Instruction *SlowTerm = nullptr, *FastTerm = nullptr;
  MDNode *Unlikely = MDBuilder(C).createBranchWeights(1, 1 << 20);
  SplitBlockAndInsertIfThenElse(Low, &CB, &SlowTerm, &FastTerm, Unlikely);
  BasicBlock *Tail = CB.getParent();
  BasicBlock *Fast = FastTerm->getParent();
  auto *Invoke = dyn_cast<InvokeInst>(&CB);
  BasicBlock *Normal = Invoke ? Invoke->getNormalDest() : nullptr;
  BasicBlock *Unwind = Invoke ? Invoke->getUnwindDest() : nullptr;
  if (Invoke) {
    // The invoke ends the fast block and continues at Tail, which becomes
    // the merge block; both paths unwind to the same landing pad.
    CB.moveBefore(FastTerm);
    FastTerm->eraseFromParent();
    Invoke->setNormalDest(Tail);
    BranchInst::Create(Normal, Tail);
  } else {
    CB.moveBefore(FastTerm);
  }

  IRBuilder<> E(&F.getEntryBlock(), F.getEntryBlock().getFirstInsertionPt());
  AllocaInst *Ctxp = E.CreateAlloca(Ctx, nullptr, "weft.ctx");

  IRBuilder<> S(SlowTerm);
  unsigned Field = 0;
  for (Value *A : CB.args())
    S.CreateStore(A, S.CreateStructGEP(Ctx, Ctxp, Field++));
  if (Indirect)
    S.CreateStore(CB.getCalledOperand(), S.CreateStructGEP(Ctx, Ctxp, Field++));
  // The new segment also holds the thunk's own frame.
  uint64_t Segment = Need + frameBound(*Thunk).value_or(LargeSegmentBytes);
  Value *SegArgs[] = {Thunk, Ctxp, ConstantInt::get(I64, Segment)};
  BasicBlock *SlowEnd = SlowTerm->getParent();
  if (Invoke) {
    BasicBlock *SlowCont = SlowEnd->splitBasicBlock(SlowTerm, "weft.slow.cont");
    SlowEnd->getTerminator()->eraseFromParent();
    IRBuilder<> SI(SlowEnd);
    SI.CreateInvoke(callOnNewSegment(M), SlowCont, Unwind, SegArgs);
    // The landing pad now has the fast and the slow invoke as predecessors.
    for (PHINode &Phi : Unwind->phis()) {
      Value *V = Phi.getIncomingValueForBlock(Tail);
      Phi.setIncomingBlock(Phi.getBasicBlockIndex(Tail), Fast);
      Phi.addIncoming(V, SlowEnd);
    }
    S.SetInsertPoint(SlowTerm);
    SlowEnd = SlowCont;
  } else {
    S.CreateCall(callOnNewSegment(M), SegArgs);
  }
  if (CB.getType()->isVoidTy())
    return;
  Value *Slow = S.CreateLoad(CB.getType(), S.CreateStructGEP(Ctx, Ctxp, Field));
  PHINode *Phi = PHINode::Create(CB.getType(), 2, "weft.result");
  Phi->insertBefore(Tail->getFirstInsertionPt());
  CB.replaceAllUsesWith(Phi);
  Phi->addIncoming(Slow, SlowEnd);
  Phi->addIncoming(&CB, Fast);
}

} // namespace

PreservedAnalyses CheckpointsPass::run(Module &M, ModuleAnalysisManager &) {
  StackBounds Stack(M, MaxPath, MinChunk);
  std::vector<std::pair<CallBase *, uint64_t>> Work;
  for (Function &F : M) {
    const StackFacts *SF = Stack.facts(F);
    if (!SF || F.getName().starts_with("__weft_thunk."))
      continue;
    for (const Checkpoint &CP : SF->Checkpoints)
      if (canInstrument(*CP.Call))
        Work.push_back({CP.Call, CP.NeedBytes ? CP.NeedBytes : LargeSegmentBytes});
  }
  unsigned Id = 0;
  for (auto [CB, Need] : Work)
    instrument(*CB, Need, Id++);
  return Work.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

} // namespace weft
