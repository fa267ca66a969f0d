//===- Checkpoints.cpp ----------------------------------------------------===//
#include "Checkpoints.h"

#include "Calls.h"
#include "Diagnostics.h"
#include "ObjectNeeds.h"
#include "StackBounds.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <cassert>
#include <map>
#include <string>
#include <tuple>

using namespace llvm;

#define DEBUG_TYPE "weft-checkpoints"
// Statistics are ALWAYS_ENABLED_STATISTIC: Debian's LLVM and weft's own
// RelWithDebInfo build define NDEBUG, which turns STATISTIC into a no-op.
// Shown by opt -stats, clang -mllvm -stats or -Xclang -stats-file=<f>.
ALWAYS_ENABLED_STATISTIC(NumCallChecks, "Checkpoints inserted before calls");
ALWAYS_ENABLED_STATISTIC(NumEntryChecks, "Checkpoints inserted at function entries");
ALWAYS_ENABLED_STATISTIC(NumTrampolines, "Checking trampolines shared by calls of one kind");
ALWAYS_ENABLED_STATISTIC(NumUncheckable, "Checkpoints left out: calls no thunk can make");
ALWAYS_ENABLED_STATISTIC(NumStackNeeds, "Functions in the table of first-segment needs");

namespace weft {

namespace {

bool canInstrument(const CallBase &CB) {
  if (isa<CallBrInst>(CB))
    return false;
  // setjmp and vfork return twice: made on a segment that is gone when they
  // return again, they would return into a dead frame.
  if (CB.hasFnAttr(Attribute::ReturnsTwice))
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

/// The attributes of the checked function that its thunk and slow path
/// must share, because they change the code generated for them.
constexpr const char *CodegenAttrs[] = {"frame-pointer", "target-cpu", "target-features"};

void copyCodegenAttrs(const Function &From, Function &To) {
  if (From.hasFnAttribute(Attribute::UWTable))
    To.addFnAttr(From.getFnAttribute(Attribute::UWTable));
  for (StringRef A : CodegenAttrs)
    if (From.hasFnAttribute(A))
      To.addFnAttr(From.getFnAttribute(A));
}

/// The runtime's entry point, declared weak: instrumented code links and
/// runs without libweft (nothing sets the limit then, so no check fails;
/// if something else does, the slow path sees no runtime and goes on on
/// the fast path: see withoutRuntime).
Function *callOnNewSegment(Module &M) {
  LLVMContext &C = M.getContext();
  auto *Ptr = PointerType::getUnqual(C);
  auto *F = cast<Function>(
      M.getOrInsertFunction(
           CallOnNewSegmentName,
           FunctionType::get(Type::getVoidTy(C), {Ptr, Ptr, Type::getInt64Ty(C)}, false))
          .getCallee());
  if (F->isDeclaration())
    F->setLinkage(GlobalValue::ExternalWeakLinkage);
  return F;
}

/// The table of first-segment needs (runtime/stack/needs.c) of the
/// functions a thread can start on, the address-taken ones whose reach is
/// all bounded or checked: {function, stack above the limit, reserve below
/// it or ~0 for the unwinder's}. A constructor registers it with the
/// runtime, through a weak reference so that the code runs without libweft.
/// Fields gives an entry's two numbers: constants, or symbols the object
/// gets the values of (ObjectNeeds.h).
using NeedFields = function_ref<std::pair<Constant *, Constant *>(Function &, const StackFacts &)>;

void emitStackNeeds(Module &M, const StackBounds &Final, NeedFields Fields) {
  LLVMContext &C = M.getContext();
  auto *Ptr = PointerType::getUnqual(C);
  auto *I32 = Type::getInt32Ty(C);
  auto *I64 = Type::getInt64Ty(C);
  auto *EntryTy = StructType::get(C, {Ptr, I32, I32});
  std::vector<Constant *> Entries;
  for (Function &F : M) {
    const StackFacts *SF = Final.facts(F);
    if (!SF || !hasFirstSegmentNeed(F, *SF))
      continue;
    auto [Above, Below] = Fields(F, *SF);
    Entries.push_back(ConstantStruct::get(EntryTy, {&F, Above, Below}));
  }
  NumStackNeeds += Entries.size();
  if (Entries.empty())
    return;
  auto *TableTy = ArrayType::get(EntryTy, Entries.size());
  auto *Table = new GlobalVariable(M, TableTy, /*isConstant=*/true, GlobalValue::PrivateLinkage,
                                   ConstantArray::get(TableTy, Entries), "__weft_stack_needs");
  // (un)register(Table, N) if the runtime is there.
  auto Caller = [&](const char *Name, const char *Suffix) {
    auto *Callee = cast<Function>(
        M.getOrInsertFunction(Name, FunctionType::get(Type::getVoidTy(C), {Ptr, I64}, false))
            .getCallee());
    if (Callee->isDeclaration())
      Callee->setLinkage(GlobalValue::ExternalWeakLinkage);
    Function *F = Function::Create(FunctionType::get(Type::getVoidTy(C), false),
                                   GlobalValue::InternalLinkage, std::string(Name) + Suffix, M);
    F->addFnAttr(Attribute::NoUnwind);
    BasicBlock *Entry = BasicBlock::Create(C, "entry", F);
    BasicBlock *Call = BasicBlock::Create(C, "call", F);
    BasicBlock *Done = BasicBlock::Create(C, "done", F);
    IRBuilder<> B(Entry);
    B.CreateCondBr(B.CreateIsNotNull(Callee), Call, Done);
    B.SetInsertPoint(Call);
    B.CreateCall(Callee, {Table, ConstantInt::get(I64, Entries.size())});
    B.CreateBr(Done);
    B.SetInsertPoint(Done);
    B.CreateRetVoid();
    return F;
  };
  appendToGlobalCtors(M, Caller(StackNeedsRegisterName, ".ctor"), 65535);
  appendToGlobalDtors(M, Caller(StackNeedsUnregisterName, ".dtor"), 65535);
}

/// A table entry's two numbers: the stack above the limit, and the reserve
/// below it or ~0 for the unwinder's.
std::pair<uint64_t, uint64_t> stackNeedOf(const StackFacts &SF) {
  uint64_t Reserve = SF.Unwinds ? StackNeedUnwinds : SF.ReserveBytes;
  assert(SF.FirstSegmentBytes < UINT32_MAX && Reserve <= StackNeedUnwinds &&
         "a first-segment need fits the table's 32-bit fields");
  return {SF.FirstSegmentBytes, Reserve};
}

/// A call to be made on a new segment: at a call site, the call as
/// written; at a function's entry, a call of the function with its own
/// arguments.
struct CallShape {
  Function *Caller;         ///< where the check goes
  FunctionType *FnType;     ///< the callee's type (varargs: as declared, `i32 (ptr, ...)`)
  Value *Callee;            ///< null if indirect (then it is an operand)
  AttributeList Attrs;
  CallingConv::ID CC;
  SmallVector<Value *, 8> Operands; ///< arguments, then an indirect callee
  bool NoThrow;

  static CallShape of(CallBase &CB) {
    CallShape S{CB.getFunction(), CB.getFunctionType(), nullptr, CB.getAttributes(),
                CB.getCallingConv(), SmallVector<Value *, 8>(CB.args()), CB.doesNotThrow()};
    if (directCallee(CB))
      S.Callee = CB.getCalledOperand();
    else
      S.Operands.push_back(CB.getCalledOperand());
    return S;
  }
  static CallShape entryOf(Function &F) {
    // Parameter and return attributes only: they say how to pass values.
    AttributeList A = F.getAttributes();
    SmallVector<AttributeSet, 8> Params;
    for (unsigned I = 0; I < F.arg_size(); ++I)
      Params.push_back(A.getParamAttrs(I));
    CallShape S{&F, F.getFunctionType(), &F,
                AttributeList::get(F.getContext(), AttributeSet(), A.getRetAttrs(), Params),
                F.getCallingConv(), {}, F.doesNotThrow()};
    for (Argument &Arg : F.args())
      S.Operands.push_back(&Arg);
    return S;
  }
  llvm::Type *result() const { return FnType->getReturnType(); }
  /// The context: operands, then the result if any.
  StructType *context() const {
    SmallVector<llvm::Type *, 8> Fields;
    for (Value *V : Operands)
      Fields.push_back(V->getType());
    if (!result()->isVoidTy())
      Fields.push_back(result());
    return StructType::get(Caller->getContext(), Fields);
  }
};

/// The thunk that makes the call on a new segment: it reads the operands
/// (and the callee, if indirect) from a context and writes the result back.
Function *makeThunk(const CallShape &S, StructType *Ctx, unsigned Id) {
  Module &M = *S.Caller->getParent();
  LLVMContext &C = M.getContext();
  auto *Ty = FunctionType::get(Type::getVoidTy(C), {PointerType::getUnqual(C)}, false);
  Function *Thunk = Function::Create(Ty, GlobalValue::InternalLinkage,
                                     "__weft_thunk." + std::to_string(Id), M);
  Thunk->addFnAttr(Attribute::NoInline);
  copyCodegenAttrs(*S.Caller, *Thunk);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Thunk));
  Value *Ctxp = Thunk->getArg(0);
  SmallVector<Value *, 8> Args;
  unsigned Field = 0;
  for (; Field < S.Operands.size(); ++Field)
    Args.push_back(B.CreateLoad(Ctx->getElementType(Field), B.CreateStructGEP(Ctx, Ctxp, Field)));
  Value *Callee = S.Callee;
  if (!Callee) {
    Callee = Args.pop_back_val();
  }
  CallInst *Call = B.CreateCall(S.FnType, Callee, Args);
  Call->setCallingConv(S.CC);
  Call->setAttributes(S.Attrs);
  if (!S.result()->isVoidTy())
    B.CreateStore(Call, B.CreateStructGEP(Ctx, Ctxp, Field));
  B.CreateRetVoid();
  return Thunk;
}

/// The slow path of a checkpoint, out of line so that the checked code
/// keeps its registers and frame: it takes the operands and the size of the
/// segment to link, stores the operands in a context on its own small frame
/// (the runtime keeps a reserve below the limit for it) and runs the thunk
/// on a new segment.
Function *makeSlowPath(const CallShape &S, StructType *Ctx, Function *Thunk, unsigned Id) {
  Module &M = *S.Caller->getParent();
  LLVMContext &C = M.getContext();
  Type *I64 = Type::getInt64Ty(C);
  SmallVector<Type *, 8> Params;
  for (Value *V : S.Operands)
    Params.push_back(V->getType());
  Params.push_back(I64);
  auto *Ty = FunctionType::get(S.result(), Params, false);
  Function *Slow = Function::Create(Ty, GlobalValue::InternalLinkage,
                                    "__weft_slow." + std::to_string(Id), M);
  Slow->addFnAttr(Attribute::NoInline);
  Slow->addFnAttr(Attribute::Cold);
  Slow->addFnAttr(SlowPathAttr);
  if (S.NoThrow)
    Slow->addFnAttr(Attribute::NoUnwind);
  copyCodegenAttrs(*S.Caller, *Slow);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Slow));
  AllocaInst *Ctxp = B.CreateAlloca(Ctx, nullptr, "weft.ctx");
  unsigned N = S.Operands.size();
  for (unsigned Field = 0; Field < N; ++Field)
    B.CreateStore(Slow->getArg(Field), B.CreateStructGEP(Ctx, Ctxp, Field));
  // Without libweft (the limit was set by something else, see
  // withoutRuntime), the call is made in place. Here, not at each site: the
  // sites' code stays a compare and a branch.
  Function *OnNewSegment = callOnNewSegment(M);
  BasicBlock *InPlace = BasicBlock::Create(C, "in.place", Slow);
  BasicBlock *Linked = BasicBlock::Create(C, "linked", Slow);
  BasicBlock *Done = BasicBlock::Create(C, "done", Slow);
  B.CreateCondBr(B.CreateIsNull(OnNewSegment), InPlace, Linked);
  B.SetInsertPoint(InPlace);
  B.CreateCall(Thunk, {Ctxp});
  B.CreateBr(Done);
  B.SetInsertPoint(Linked);
  B.CreateCall(OnNewSegment, {Thunk, Ctxp, Slow->getArg(N)});
  B.CreateBr(Done);
  B.SetInsertPoint(Done);
  if (S.result()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(B.CreateLoad(S.result(), B.CreateStructGEP(Ctx, Ctxp, N)));
  return Slow;
}

/// A check and the two constants in it that depend on frame sizes.
struct Site {
  CallBase *Call = nullptr;     ///< the call as written (call-site checks)
  Function *Entry = nullptr;    ///< the function (entry checks)
  Instruction *Room = nullptr;  ///< sp - (need - slack)
  CallBase *SlowCall = nullptr; ///< calls the slow path; the last operand is the segment size
  Function *Thunk = nullptr;
};

/// Thunks and slow paths, shared by every check that makes the same kind of
/// call: the same callee (for an indirect call, the same function type),
/// attributes, calling convention and code generation attributes. A program
/// with many calls through pointers of a few types gets a few of each.
class SlowPaths {
public:
  struct Pair {
    Function *Thunk, *Slow;
  };
  Pair get(const CallShape &S) {
    std::string Codegen;
    for (StringRef A : CodegenAttrs)
      Codegen += S.Caller->getFnAttribute(A).getValueAsString().str() + ";";
    Codegen += S.Caller->hasFnAttribute(Attribute::UWTable) ? "u" : "";
    // The context's type too: calls of one varargs function (printf) with
    // different argument types share FnType, `i32 (ptr, ...)`, but not a
    // thunk (sharing one gave calls whose arguments did not match the slow
    // path's parameters: invalid IR that -emit-llvm wrote as unreadable
    // bitcode).
    StructType *Ctx = S.context();
    Key K{S.FnType, S.Callee, S.Attrs.getRawPointer(), S.CC, S.NoThrow, Codegen, Ctx};
    auto It = Cache.find(K);
    if (It != Cache.end())
      return It->second;
    Function *Thunk = makeThunk(S, Ctx, Next);
    Pair P{Thunk, makeSlowPath(S, Ctx, Thunk, Next)};
    ++Next;
    Cache.emplace(K, P);
    return P;
  }

private:
  using Key = std::tuple<const void *, const void *, const void *, unsigned, bool, std::string,
                         const void *>;
  std::map<Key, Pair> Cache;
  unsigned Next = 0;
};

/// The constant a check compares with: the limit already keeps
/// StackLimitSlack bytes free below it, so smaller needs compare the stack
/// pointer itself (`cmp %fs:0x70, %rsp`).
uint64_t checkedBytes(uint64_t Need) { return Need > StackLimitSlack ? Need - StackLimitSlack : 0; }

/// `sp - (need - slack) < limit` at B's insertion point: sets Low to the
/// comparison and returns the subtraction, whose constant run() sets again.
Instruction *emitCheck(IRBuilder<> &B, uint64_t Need, Value *&Low) {
  Type *I64 = B.getInt64Ty();
  Value *SP = B.CreatePtrToInt(B.CreateStackSave(), I64);
  auto *Room = cast<Instruction>(
      B.CreateSub(SP, ConstantInt::get(I64, checkedBytes(Need)), "weft.room"));
  Low = B.CreateICmpULT(Room, loadStackLimit(B), "weft.low");
  return Room;
}

/// Makes `SlowBB` first test whether libweft is linked: without it, control goes on to
/// `Fast` as if the check had passed. Returns the block where the slow path
/// proper starts. Phis in `Fast` get `SlowBB` with the value they have for
/// `CheckBB`.
BasicBlock *withoutRuntime(BasicBlock *SlowBB, BasicBlock *CheckBB, BasicBlock *Fast) {
  Module &M = *SlowBB->getModule();
  BasicBlock *Linked = BasicBlock::Create(M.getContext(), "weft.linked", SlowBB->getParent(),
                                          SlowBB->getNextNode());
  while (!SlowBB->empty())
    SlowBB->front().moveBefore(*Linked, Linked->end());
  IRBuilder<> B(SlowBB);
  B.CreateCondBr(B.CreateIsNull(callOnNewSegment(M)), Fast, Linked);
  for (PHINode &Phi : Fast->phis())
    Phi.addIncoming(Phi.getIncomingValueForBlock(CheckBB), SlowBB);
  return Linked;
}

/// The slow path a site calls, and the operands of that call: the call's
/// own, then the size of the segment to link (the need for now; run() sets
/// it, with the thunk's frame, once the frames of the instrumented code
/// are known).
Function *slowPathFor(const CallShape &Shape, uint64_t Need, SlowPaths &Paths, Site &S,
                      SmallVectorImpl<Value *> &Operands) {
  auto [Thunk, Slow] = Paths.get(Shape);
  S.Thunk = Thunk;
  Operands.assign(Shape.Operands.begin(), Shape.Operands.end());
  Operands.push_back(ConstantInt::get(Type::getInt64Ty(Shape.Caller->getContext()), Need));
  return Slow;
}

/// A check before a call site.
Site instrumentCall(CallBase &CB, uint64_t Need, SlowPaths &Paths) {
  LLVMContext &C = CB.getContext();
  CallShape Shape = CallShape::of(CB);
  Site S;
  SmallVector<Value *, 8> Operands;
  Function *Slow = slowPathFor(Shape, Need, Paths, S, Operands);

  IRBuilder<> B(&CB);
  Value *Low;
  Instruction *Room = emitCheck(B, Need, Low);
  Instruction *SlowTerm = nullptr, *FastTerm = nullptr;
  MDNode *Unlikely = MDBuilder(C).createBranchWeights(1, 1 << 20);
  SplitBlockAndInsertIfThenElse(Low, &CB, &SlowTerm, &FastTerm, Unlikely);
  BasicBlock *Tail = CB.getParent();
  BasicBlock *Fast = FastTerm->getParent();
  BasicBlock *SlowBB = SlowTerm->getParent(); // the slow path tests for libweft itself
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
  if (!CB.getType()->isVoidTy()) {
    PHINode *Phi = PHINode::Create(CB.getType(), 2, "weft.result");
    Phi->insertBefore(Tail->getFirstInsertionPt());
    CB.replaceAllUsesWith(Phi);
    Phi->addIncoming(SlowCall, SlowBB);
    Phi->addIncoming(&CB, Fast);
  }
  S.Call = &CB;
  S.Room = Room;
  S.SlowCall = SlowCall;
  return S;
}

/// Ends B's block with a tail call of Slow and a return of what it returns.
CallInst *returnTailCall(IRBuilder<> &B, Function *Slow, ArrayRef<Value *> Operands) {
  CallInst *Call = B.CreateCall(Slow, Operands);
  Call->setTailCall();
  if (Slow->getReturnType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);
  return Call;
}

/// Whether a call can go through a checking trampoline shared by every call
/// of its kind: the C calling convention, no varargs, and nothing the
/// call's frame must hold for it (byval, sret, inalloca, preallocated,
/// swifterror, nest), so that the trampoline's call can be a tail call
/// that leaves the callee exactly where the call as written would have.
bool canUseTrampoline(const CallBase &CB) {
  if (CB.getFunctionType()->isVarArg() || CB.getCallingConv() != CallingConv::C)
    return false;
  for (unsigned A = 0; A < CB.arg_size(); ++A)
    for (Attribute::AttrKind K : {Attribute::ByVal, Attribute::StructRet, Attribute::InAlloca,
                                  Attribute::Preallocated, Attribute::SwiftError, Attribute::Nest})
      if (CB.paramHasAttr(A, K))
        return false;
  return true;
}

/// The attributes that say how a value is passed, of a call's result and
/// parameters (the trampoline's own parameters must agree with them).
AttributeList passingAttrs(LLVMContext &C, const AttributeList &A, unsigned Params) {
  auto Keep = [&](AttributeSet S) {
    AttrBuilder B(C);
    for (Attribute::AttrKind K : {Attribute::ZExt, Attribute::SExt, Attribute::InReg})
      if (S.hasAttribute(K))
        B.addAttribute(K);
    return AttributeSet::get(C, B);
  };
  SmallVector<AttributeSet, 8> P;
  for (unsigned I = 0; I < Params; ++I)
    P.push_back(Keep(A.getParamAttrs(I)));
  return AttributeList::get(C, AttributeSet(), Keep(A.getRetAttrs()), P);
}

/// A checking trampoline, `__weft_check.N(operands...)`: the check, then a
/// tail call of the callee with the operands (a jump: the callee runs on
/// the caller's stack as if called directly), or the slow path. Every call
/// of one kind calls it instead of carrying a check and a slow path of its
/// own, which keeps the callers' code as it was written.
Site makeTrampoline(const CallShape &Shape, uint64_t Need, SlowPaths &Paths, unsigned Id,
                    Function *&Trampoline) {
  Module &M = *Shape.Caller->getParent();
  LLVMContext &C = M.getContext();
  Site Out;
  auto [Thunk, Slow] = Paths.get(Shape);
  Out.Thunk = Thunk;
  SmallVector<Type *, 8> Params;
  for (Value *V : Shape.Operands)
    Params.push_back(V->getType());
  Trampoline = Function::Create(FunctionType::get(Shape.result(), Params, false),
                                GlobalValue::InternalLinkage, "__weft_check." + std::to_string(Id),
                                M);
  Trampoline->setAttributes(passingAttrs(C, Shape.Attrs, Params.size()));
  Trampoline->addFnAttr(Attribute::NoInline);
  Trampoline->addFnAttr(TrampolineAttr);
  if (Shape.NoThrow)
    Trampoline->addFnAttr(Attribute::NoUnwind);
  copyCodegenAttrs(*Shape.Caller, *Trampoline);
  SmallVector<Value *, 8> Args;
  for (Argument &A : Trampoline->args())
    Args.push_back(&A);
  BasicBlock *Entry = BasicBlock::Create(C, "entry", Trampoline);
  BasicBlock *Fast = BasicBlock::Create(C, "fast", Trampoline);
  BasicBlock *SlowBB = BasicBlock::Create(C, "slow", Trampoline);
  IRBuilder<> B(Entry);
  Value *Low;
  Out.Room = emitCheck(B, Need, Low);
  B.CreateCondBr(Low, SlowBB, Fast, MDBuilder(C).createBranchWeights(1, 1 << 20));
  B.SetInsertPoint(Fast);
  Value *Callee = Shape.Callee;
  SmallVector<Value *, 8> CallArgs(Args.begin(), Args.end());
  if (!Callee)
    Callee = CallArgs.pop_back_val();
  CallInst *Call = B.CreateCall(Shape.FnType, Callee, CallArgs);
  Call->setCallingConv(Shape.CC);
  Call->setAttributes(Shape.Attrs);
  Call->setTailCall();
  Call->setMetadata(CheckpointMD, MDNode::get(C, {}));
  if (Shape.result()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);
  B.SetInsertPoint(SlowBB);
  SmallVector<Value *, 8> SlowOperands(Args.begin(), Args.end());
  SlowOperands.push_back(ConstantInt::get(Type::getInt64Ty(C), Need));
  CallInst *SlowCall = returnTailCall(B, Slow, SlowOperands);
  Out.Call = Call;
  Out.SlowCall = SlowCall;
  return Out;
}

/// Makes CB call Trampoline with its operands (an indirect callee last).
void callThrough(CallBase &CB, Function *Trampoline) {
  SmallVector<Value *, 8> Args(CB.args());
  if (!directCallee(CB))
    Args.push_back(CB.getCalledOperand());
  CallBase *New;
  if (auto *II = dyn_cast<InvokeInst>(&CB))
    New = InvokeInst::Create(Trampoline, II->getNormalDest(), II->getUnwindDest(), Args, "",
                             CB.getIterator());
  else
    New = CallInst::Create(Trampoline, Args, "", CB.getIterator());
  // The call's attributes hold for the trampoline's call too (its behaviour
  // is the callee's); an indirect callee's operand has none.
  New->setAttributes(CB.getAttributes());
  New->copyMetadata(CB);
  New->takeName(&CB);
  CB.replaceAllUsesWith(New);
  CB.eraseFromParent();
}

/// Recursion is checked at the entry of the function it re-enters, like a
/// split-stack prologue, instead of at every call around the cycle: the
/// function's body is left exactly as it was (no merge after its calls, so
/// register allocation and shrink-wrapping are undisturbed), and the slow
/// path is a tail call. The check may run after the prologue has pushed
/// the frame; functions whose frame is at most MaxEntryFrameBytes qualify,
/// and the runtime's reserve below the limit holds that frame.
bool canCheckEntry(const Function &F, const StackFacts &SF) {
  if (F.isVarArg() || F.hasFnAttribute(SlowPathAttr) || F.getName().starts_with("__weft_thunk."))
    return false;
  // A bound, not a typical frame: the reserve must hold the frame.
  std::optional<uint64_t> Frame = SF.Exact ? SF.FrameBytes : frameBound(F);
  if (!Frame || *Frame > MaxEntryFrameBytes)
    return false;
  for (const Argument &A : F.args())
    if (A.hasInAllocaAttr() || A.hasPreallocatedAttr() || A.hasSwiftErrorAttr())
      return false;
  return true;
}

/// Whether any call (Calls.h: not an intrinsic or inline assembly) is
/// reachable from BB.
bool reachesCall(BasicBlock *BB) {
  SmallPtrSet<BasicBlock *, 16> Seen;
  SmallVector<BasicBlock *, 16> Work{BB};
  while (!Work.empty()) {
    BasicBlock *B = Work.pop_back_val();
    if (!Seen.insert(B).second)
      continue;
    for (Instruction &I : *B)
      if (auto *CB = dyn_cast<CallBase>(&I); CB && !isIgnoredCall(*CB))
        return true;
    for (BasicBlock *S : successors(B))
      Work.push_back(S);
  }
  return false;
}

/// Where the entry check goes: at the entry, or, when the function starts
/// with side-effect-free tests that can return without calling anything
/// (a recursion's base case), on the edge into the only branch that calls.
/// Re-running the function from its start on a new segment is then the
/// same as going on, and the base case pays neither the check nor a
/// prologue: the check does not keep shrink-wrapping from sinking it.
BasicBlock *entryCheckEdge(Function &F, BasicBlock *&From) {
  From = nullptr;
  BasicBlock *B = &F.getEntryBlock();
  for (;;) {
    for (Instruction &I : *B)
      if (I.mayHaveSideEffects() || (isa<CallBase>(I) && !isa<DbgInfoIntrinsic>(I)))
        return From ? B : nullptr;
    auto *Br = dyn_cast<BranchInst>(B->getTerminator());
    if (!Br || !Br->isConditional())
      return From ? B : nullptr;
    BasicBlock *Next = nullptr;
    for (BasicBlock *S : successors(B)) {
      if (!reachesCall(S))
        continue;
      if (Next)
        return From ? B : nullptr;
      Next = S;
    }
    if (!Next)
      return nullptr;
    From = B;
    if (!Next->getSinglePredecessor() || Next == B)
      return Next;
    B = Next;
  }
}

Site instrumentEntry(Function &F, uint64_t Need, SlowPaths &Paths) {
  LLVMContext &C = F.getContext();
  CallShape Shape = CallShape::entryOf(F);
  Site Out;
  SmallVector<Value *, 8> Operands;
  Function *Slow = slowPathFor(Shape, Need, Paths, Out, Operands);

  BasicBlock *From = nullptr;
  BasicBlock *To = entryCheckEdge(F, From);
  BasicBlock *Check, *Fast;
  if (To) {
    // A block of its own on the edge; it runs at most once per call.
    Check = SplitEdge(From, To);
    Check->setName("weft.entry");
    Check->getTerminator()->eraseFromParent();
    Fast = To;
  } else {
    // A new entry block holds the static allocas (so they stay static) and
    // the check; the old entry becomes the fast path.
    Fast = &F.getEntryBlock();
    SmallVector<AllocaInst *, 8> Static;
    for (Instruction &I : *Fast)
      if (auto *AI = dyn_cast<AllocaInst>(&I); AI && AI->isStaticAlloca())
        Static.push_back(AI);
    Check = BasicBlock::Create(C, "weft.entry", &F, Fast);
    for (AllocaInst *AI : Static)
      AI->moveBefore(*Check, Check->end());
  }
  BasicBlock *SlowBB = BasicBlock::Create(C, "weft.entry.slow", &F, Fast);
  IRBuilder<> B(Check);
  Value *Low;
  Instruction *Room = emitCheck(B, Need, Low);
  B.CreateCondBr(Low, SlowBB, Fast, MDBuilder(C).createBranchWeights(1, 1 << 20));
  SlowBB = withoutRuntime(SlowBB, Check, Fast);
  IRBuilder<> S(SlowBB);
  CallInst *Again = returnTailCall(S, Slow, Operands);
  F.addFnAttr(EntryCheckAttr);
  Out.Entry = &F;
  Out.Room = Room;
  Out.SlowCall = Again;
  return Out;
}

/// How many levels of a self-recursive function one entry check covers. A
/// check per call is what a naive fib pays most for (2-3 instructions on a
/// body of a dozen), so a small function that only recurses into itself is
/// unrolled: copies F.weft.1 .. F.weft.(K-1) without the check, F calling
/// the first, each the next and the last F again, and F's check asks for
/// the K levels' path. K is the largest power of two up to 16 whose levels
/// fit in max-path and whose copies add at most 400 IR instructions (the
/// cost is code size), so only small functions are unrolled.
constexpr unsigned RecursionUnroll = 16;
/// The largest need of a call a function checked at its entry leaves to
/// that check (a call to malloc: 16 KiB).
constexpr uint64_t FoldBytes = 16 * 1024;
constexpr size_t UnrollMaxInstructions = 400;

/// Whether F has a block whose address is taken (computed goto): a copy
/// would jump through the same tables into F's blocks, not its own.
bool hasAddressTakenBlock(const Function &F) {
  return any_of(F, [](const BasicBlock &BB) { return BB.hasAddressTaken(); });
}

unsigned unrollFactor(const Function &F, const StackFacts &SF, uint64_t MaxPath) {
  if (!SF.SelfRecursiveOnly || hasAddressTakenBlock(F))
    return 1;
  for (unsigned K = RecursionUnroll; K > 1; K /= 2)
    if (K * SF.PathBytes <= MaxPath && (K - 1) * F.getInstructionCount() <= UnrollMaxInstructions)
      return K;
  return 1;
}

/// The unrolling above; the copies' call-site checks join Sites, so their
/// constants are patched with the others.
void unrollRecursion(Function &F, unsigned K, std::vector<Site> &Sites) {
  std::vector<Function *> Chain{&F};
  size_t Own = Sites.size();
  for (unsigned I = 1; I < K; ++I) {
    ValueToValueMapTy VMap;
    Function *Copy = CloneFunction(&F, VMap);
    Copy->setName(F.getName() + ".weft." + std::to_string(I));
    Copy->setLinkage(GlobalValue::InternalLinkage);
    Copy->setVisibility(GlobalValue::DefaultVisibility);
    Copy->setDSOLocal(true);
    Copy->setComdat(F.getComdat());
    for (size_t J = 0; J < Own; ++J) {
      const Site &S = Sites[J];
      if (!S.Call || S.Call->getFunction() != &F)
        continue;
      Site C = S;
      C.Call = cast<CallBase>(VMap[S.Call]);
      C.Room = cast<Instruction>(VMap[S.Room]);
      C.SlowCall = cast<CallBase>(VMap[S.SlowCall]);
      Sites.push_back(C);
    }
    Chain.push_back(Copy);
  }
  for (size_t I = 0; I < Chain.size(); ++I) {
    Function *Next = Chain[(I + 1) % Chain.size()];
    for (Instruction &Inst : instructions(*Chain[I]))
      if (auto *CB = dyn_cast<CallBase>(&Inst); CB && CB->getCalledOperand() == &F)
        CB->setCalledFunction(Next);
  }
}

} // namespace

/// A site's two constants on the frames of Final: the bytes its check
/// subtracts from the stack pointer, and the size of the segment its slow
/// path asks for.
struct SiteNeeds {
  uint64_t Room, Segment;
};

SiteNeeds needsOf(const Site &S, const StackBounds &Final) {
  uint64_t Need;
  Function *Callee; // the function the new segment starts with
  if (S.Entry) {
    Need = Final.facts(*S.Entry)->PathBytes;
    Callee = S.Entry;
  } else {
    const StackFacts *SF = Final.facts(*S.Call->getFunction());
    assert(SF && "an instrumented call is in a defined function");
    auto CP =
        llvm::find_if(SF->Checkpoints, [&](const Checkpoint &C) { return C.Call == S.Call; });
    Need = CP != SF->Checkpoints.end() && CP->NeedBytes ? CP->NeedBytes : LargeSegmentBytes;
    Callee = directCallee(*S.Call);
  }
  // The new segment holds the thunk's frame and the callee's path; an
  // entry-checked callee may push its frame before its own check.
  assert(Final.facts(*S.Thunk) && "every site has its thunk");
  // A trampoline's check runs at its entry: if its call is not a jump, the
  // callee runs below its frame too.
  if (S.Call && S.Call->getFunction()->hasFnAttribute(TrampolineAttr))
    if (const StackFacts *TF = Final.facts(*S.Call->getFunction()); TF && TF->FrameBytes)
      Need += *TF->FrameBytes;
  uint64_t Segment = Need + Final.callCost(*Final.facts(*S.Thunk));
  if (Callee && Callee->hasFnAttribute(EntryCheckAttr))
    if (const StackFacts *CF = Final.facts(*Callee))
      Segment += Final.callCost(*CF);
  LLVM_DEBUG(dbgs() << "weft-checkpoints: "
                    << (S.Entry ? S.Entry : S.Call->getFunction())->getName() << ": need " << Need
                    << ", checked " << checkedBytes(Need) << ", segment " << Segment << "\n");
  return {checkedBytes(Need), Segment};
}

/// Leaves every constant that depends on frames to the object the backend
/// writes (ObjectNeeds.h): each becomes an absolute symbol known to lie in
/// the range its field holds, and Out.Resolve computes their values on the
/// object's frames.
void deferConstants(Module &M, std::vector<Site> Sites, uint64_t MaxPath, uint64_t MinChunk,
                    DeferredNeeds &Out) {
  LLVMContext &C = M.getContext();
  Type *I32 = Type::getInt32Ty(C);
  Type *I64 = Type::getInt64Ty(C);
  unsigned Next = 0;
  auto Symbol = [&](int64_t Lo, int64_t Hi, std::string &Name) -> Constant * {
    Name = NeedSymbolPrefix + std::to_string(Next++);
    assert(!M.getNamedValue(Name) && "one module is instrumented once");
    auto *GV = new GlobalVariable(M, Type::getInt8Ty(C), /*isConstant=*/true,
                                  GlobalValue::ExternalLinkage, nullptr, Name);
    // Hidden: left undefined (the object was never patched), the link fails.
    GV->setVisibility(GlobalValue::HiddenVisibility);
    GV->setDSOLocal(true);
    GV->setMetadata(LLVMContext::MD_absolute_symbol,
                    MDNode::get(C, {ConstantAsMetadata::get(ConstantInt::get(I64, Lo)),
                                    ConstantAsMetadata::get(ConstantInt::get(I64, Hi))}));
    return ConstantExpr::getPtrToInt(GV, I64);
  };
  struct Pending {
    Site S;
    std::string Room, Segment;
  };
  std::vector<Pending> Pendings;
  for (Site &S : Sites) {
    Pending P{S, "", ""};
    // sp + -(need - slack): one lea with a 32-bit displacement.
    auto *Room = BinaryOperator::CreateAdd(S.Room->getOperand(0), Symbol(INT32_MIN, 1, P.Room),
                                           "weft.room", S.Room->getIterator());
    S.Room->replaceAllUsesWith(Room);
    S.Room->eraseFromParent();
    P.S.Room = Room;
    S.SlowCall->setArgOperand(S.SlowCall->arg_size() - 1, Symbol(0, INT32_MAX, P.Segment));
    Pendings.push_back(std::move(P));
  }
  // Which functions have an entry in the table depends on the code's shape
  // (what is checked), not on frames.
  struct Entry {
    Function *F;
    std::string Above, Below;
  };
  std::vector<Entry> Entries;
  StackBounds Shape(M, MaxPath, MinChunk, nullptr, /*Typical=*/true);
  emitStackNeeds(M, Shape, [&](Function &F, const StackFacts &) {
    Entry E{&F, "", ""};
    Constant *Above = ConstantExpr::getTrunc(Symbol(0, int64_t(1) << 32, E.Above), I32);
    Constant *Below = ConstantExpr::getTrunc(Symbol(0, int64_t(1) << 32, E.Below), I32);
    Entries.push_back(std::move(E));
    return std::pair<Constant *, Constant *>(Above, Below);
  });
  // The values are computed on the IR as it is now: the backend's own IR
  // passes change the module as they go (at -O0 they delete unreachable
  // blocks, calls in them included), so they get a copy of it.
  ValueToValueMapTy VMap;
  std::shared_ptr<Module> Copy = CloneModule(M, VMap);
  for (Pending &P : Pendings) {
    if (P.S.Call)
      P.S.Call = cast<CallBase>(VMap[P.S.Call]);
    if (P.S.Entry)
      P.S.Entry = cast<Function>(VMap[P.S.Entry]);
    P.S.Thunk = cast<Function>(VMap[P.S.Thunk]);
    P.S.Room = nullptr;
    P.S.SlowCall = nullptr;
  }
  for (Entry &E : Entries)
    E.F = cast<Function>(VMap[E.F]);
  Out.Resolve = [Copy, Pendings = std::move(Pendings), Entries = std::move(Entries), MaxPath,
                 MinChunk](const StringMap<uint64_t> &Frames, StringMap<int64_t> &Values,
                           std::string &Err) {
    StackBounds Final(*Copy, MaxPath, MinChunk, &Frames);
    for (const Function &F : *Copy)
      if (F.hasFnAttribute(EntryCheckAttr))
        if (uint64_t Frame = Frames.lookup(F.getName()); Frame > MaxEntryFrameBytes) {
          // Its check runs after its prologue, on the reserve below the limit.
          Err = "the frame of " + F.getName().str() + ", checked at its entry, is " +
                std::to_string(Frame) + " bytes, over the " +
                std::to_string(MaxEntryFrameBytes) + " the reserve holds";
          return false;
        }
    for (const Pending &P : Pendings) {
      SiteNeeds N = needsOf(P.S, Final);
      Values[P.Room] = -int64_t(N.Room);
      Values[P.Segment] = int64_t(N.Segment);
    }
    for (const Entry &E : Entries) {
      const StackFacts *SF = Final.facts(*E.F);
      if (!SF) {
        Err = "no stack facts for " + E.F->getName().str();
        return false;
      }
      auto [Above, Below] = stackNeedOf(*SF);
      Values[E.Above] = int64_t(Above);
      Values[E.Below] = int64_t(Below);
    }
    return true;
  };
}

PreservedAnalyses CheckpointsPass::run(Module &M, ModuleAnalysisManager &) {
  // The check reads %fs:0x70 and the runtime's trampoline is x86-64 SysV.
  if (Triple(M.getTargetTriple()).getArch() != Triple::x86_64 ||
      M.getNamedMetadata(LinkedStacksMD))
    return PreservedAnalyses::all();
  // Frames as the backend makes them, if it can say.
  // When the object will give the constants (ObjectNeeds.h), placement
  // needs no exact frames: typical ones place the checks about where
  // measured ones would, at no cost.
  const char *Fallback = "checkpoints use the estimate from the IR";
  StringMap<uint64_t> Before;
  const StringMap<uint64_t> *Exact =
      Deferred ? nullptr : measureFrames(M, Codegen.get(), Before, Sink.get(), Fallback);
  bool Typical = Deferred != nullptr;
  std::vector<Site> Sites;
  {
    StackBounds Stack(M, MaxPath, MinChunk, Exact, Typical);
    // Functions re-entered around a cycle get an entry check when they can
    // (canCheckEntry); the calls into them then need none.
    SetVector<Function *> Entries;
    for (Function &F : M) {
      const StackFacts *SF = Stack.facts(F);
      if (!SF)
        continue;
      for (const Checkpoint &CP : SF->Checkpoints)
        if (CP.Why == Checkpoint::Recursion)
          if (Function *G = directCallee(*CP.Call)) {
            assert(Stack.facts(*G) && "a recursive callee is defined in the module");
            if (canCheckEntry(*G, *Stack.facts(*G)))
              Entries.insert(G);
          }
    }
    struct CheckedCall {
      CallBase *Call;
      uint64_t Need;
      bool Trampoline;
    };
    std::vector<CheckedCall> Calls;
    for (Function &F : M) {
      const StackFacts *SF = Stack.facts(F);
      if (!SF)
        continue;
      for (const Checkpoint &CP : SF->Checkpoints) {
        if (CP.Why == Checkpoint::Recursion && Entries.count(directCallee(*CP.Call)))
          continue;
        // A function checked at its entry asks there for what its calls of
        // known use need too (the need of its own entry check then covers
        // them, see below), up to FoldBytes: one check instead of two.
        if (CP.Why == Checkpoint::MaxPath && CP.NeedBytes && CP.NeedBytes <= FoldBytes &&
            Entries.count(&F))
          continue;
        if (canInstrument(*CP.Call)) {
          Calls.push_back({CP.Call, CP.NeedBytes ? CP.NeedBytes : LargeSegmentBytes,
                           CP.Why != Checkpoint::Recursion && canUseTrampoline(*CP.Call)});
          LLVM_DEBUG(dbgs() << "weft-checkpoints: " << F.getName() << ": check before a call to "
                            << (directCallee(*CP.Call) ? directCallee(*CP.Call)->getName()
                                                       : StringRef("<indirect>"))
                            << ", need " << Calls.back().second << "\n");
        } else {
          ++NumUncheckable;
          LLVM_DEBUG(dbgs() << "weft-checkpoints: " << F.getName()
                            << ": a call that cannot go through a thunk is left unchecked\n");
        }
      }
    }
    SlowPaths Paths;
    // Calls of one kind share a trampoline (the key of their slow path).
    std::map<Function *, Function *> Trampolines;
    unsigned NextTrampoline = 0;
    for (auto [CB, Need, ThroughTrampoline] : Calls) {
      if (!ThroughTrampoline) {
        Sites.push_back(instrumentCall(*CB, Need, Paths));
        continue;
      }
      CallShape Shape = CallShape::of(*CB);
      Function *Slow = Paths.get(Shape).Slow;
      Function *&T = Trampolines[Slow];
      if (!T) {
        Sites.push_back(makeTrampoline(Shape, Need, Paths, NextTrampoline++, T));
        ++NumTrampolines;
      }
      callThrough(*CB, T);
    }
    NumCallChecks += Calls.size();
    NumEntryChecks += Entries.size();
    for (Function *F : Entries)
      if (unsigned K = unrollFactor(*F, *Stack.facts(*F), MaxPath); K > 1)
        unrollRecursion(*F, K, Sites);
    for (Function *F : Entries) {
      LLVM_DEBUG(dbgs() << "weft-checkpoints: " << F->getName() << ": check at the entry\n");
      Sites.push_back(instrumentEntry(*F, Stack.facts(*F)->PathBytes, Paths));
    }
  }
  M.getOrInsertNamedMetadata(LinkedStacksMD);
  if (Deferred) {
    // The object the backend writes says the rest (ObjectNeeds.h).
    deferConstants(M, std::move(Sites), MaxPath, MinChunk, *Deferred);
    return PreservedAnalyses::none();
  }

  // What each checkpoint needs, on the frames of the instrumented code.
  StringMap<uint64_t> After;
  if (Exact && !Sites.empty())
    Exact = measureFrames(M, Codegen.get(), After, Sink.get(), Fallback);
  else if (Exact)
    After = Before; // nothing was inserted
  StackBounds Final(M, MaxPath, MinChunk, Exact);
  Type *I32 = Type::getInt32Ty(M.getContext());
  Type *I64 = Type::getInt64Ty(M.getContext());
  for (const Site &S : Sites) {
    SiteNeeds N = needsOf(S, Final);
    S.Room->setOperand(1, ConstantInt::get(I64, N.Room));
    S.SlowCall->setArgOperand(S.SlowCall->arg_size() - 1, ConstantInt::get(I64, N.Segment));
  }
  emitStackNeeds(M, Final, [&](Function &, const StackFacts &SF) {
    auto [Above, Below] = stackNeedOf(SF);
    return std::pair<Constant *, Constant *>(ConstantInt::get(I32, Above),
                                             ConstantInt::get(I32, Below));
  });
  if (Exact && this->Final) {
    this->Final->Sizes = std::move(After);
    this->Final->Known = true;
  }
  return PreservedAnalyses::none();
}

} // namespace weft
