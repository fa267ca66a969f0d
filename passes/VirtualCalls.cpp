//===- VirtualCalls.cpp ---------------------------------------------------===//
#include "VirtualCalls.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Metadata.h"
#include "llvm/Support/Debug.h"

using namespace llvm;

#define DEBUG_TYPE "weft-blocking"
ALWAYS_ENABLED_STATISTIC(NumVirtualCalls, "Virtual calls resolved by their class's vtables");

namespace weft {

namespace {

bool isTypeTest(const Value &V) {
  const auto *II = dyn_cast<IntrinsicInst>(&V);
  return II && (II->getIntrinsicID() == Intrinsic::type_test ||
                II->getIntrinsicID() == Intrinsic::public_type_test);
}

} // namespace

VirtualCalls::VirtualCalls(const Module &M) : M(M) {
  SmallVector<MDNode *, 4> Types;
  for (const GlobalVariable &GV : M.globals()) {
    if (!GV.hasInitializer())
      continue;
    Types.clear();
    GV.getMetadata(LLVMContext::MD_type, Types);
    for (const MDNode *T : Types) {
      if (T->getNumOperands() != 2)
        continue;
      const auto *Off = mdconst::dyn_extract<ConstantInt>(T->getOperand(0));
      const auto *Id = dyn_cast<MDString>(T->getOperand(1));
      if (Off && Id)
        Tagged[Id->getString()].push_back({&GV, Off->getZExtValue()});
    }
  }
}

std::optional<SmallVector<Function *, 4>> VirtualCalls::targets(const CallBase &CB) const {
  // call (load (vtable + slot)) with a type test of vtable before it.
  const auto *Slot = dyn_cast<LoadInst>(CB.getCalledOperand()->stripPointerCasts());
  if (!Slot || Tagged.empty())
    return std::nullopt;
  const DataLayout &DL = M.getDataLayout();
  APInt Off(DL.getIndexTypeSizeInBits(Slot->getPointerOperandType()), 0);
  const Value *VTable = Slot->getPointerOperand()->stripAndAccumulateConstantOffsets(
      DL, Off, /*AllowNonInbounds=*/true);
  const MDString *Id = nullptr;
  for (const User *U : VTable->users())
    if (isTypeTest(*U) && cast<CallBase>(U)->getArgOperand(0) == VTable)
      if (const auto *MD = dyn_cast<MetadataAsValue>(cast<CallBase>(U)->getArgOperand(1)))
        if ((Id = dyn_cast<MDString>(MD->getMetadata())))
          break;
  if (!Id)
    return std::nullopt;
  SmallVector<Function *, 4> Out;
  auto It = Tagged.find(Id->getString());
  if (It != Tagged.end())
    for (auto [GV, Point] : It->second) {
      APInt At(DL.getIndexTypeSizeInBits(GV->getType()), Point + Off.getSExtValue());
      Constant *C = ConstantFoldLoadFromConst(const_cast<Constant *>(GV->getInitializer()),
                                              Slot->getType(), At, DL);
      auto *F = C ? dyn_cast<Function>(C->stripPointerCasts()) : nullptr;
      if (F && F->getName() != "__cxa_pure_virtual" && F->getName() != "__cxa_deleted_virtual" &&
          !is_contained(Out, F))
        Out.push_back(F);
    }
  ++NumVirtualCalls;
  LLVM_DEBUG(dbgs() << "weft: virtual call on " << Id->getString() << " slot "
                    << Off.getSExtValue() << ": " << Out.size() << " targets\n");
  return Out;
}

bool stripTypeTests(Module &M) {
  bool Changed = false;
  SmallVector<Function *, 2> Tests;
  for (Function &F : M)
    if (F.getIntrinsicID() == Intrinsic::type_test ||
        F.getIntrinsicID() == Intrinsic::public_type_test)
      Tests.push_back(&F);
  for (Function *Test : Tests) {
    for (User *U : make_early_inc_range(Test->users())) {
      auto *CI = dyn_cast<CallInst>(U);
      if (!CI)
        continue;
      for (User *TU : make_early_inc_range(CI->users()))
        if (auto *A = dyn_cast<AssumeInst>(TU))
          A->eraseFromParent();
      // Any other use sees the answer a program that type-checks gets.
      CI->replaceAllUsesWith(ConstantInt::getTrue(M.getContext()));
      CI->eraseFromParent();
      Changed = true;
    }
    if (Test->use_empty())
      Test->eraseFromParent();
  }
  for (GlobalVariable &GV : M.globals())
    if (GV.hasMetadata(LLVMContext::MD_type)) {
      GV.eraseMetadata(LLVMContext::MD_type);
      Changed = true;
    }
  return Changed;
}

} // namespace weft
