//===- Annotations.cpp ----------------------------------------------------===//
#include "Annotations.h"

#include "LiveState.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace weft {

FunctionAnnotations annotationsOf(const Function &F) {
  FunctionAnnotations A;
  A.Blocking = F.hasFnAttribute(AttrBlocking);
  A.NonBlocking = F.hasFnAttribute(AttrNonBlocking);
  if (F.hasFnAttribute(AttrStackBound)) {
    uint64_t V;
    if (!F.getFnAttribute(AttrStackBound).getValueAsString().getAsInteger(10, V))
      A.StackBound = V;
  }
  return A;
}

static void applyTo(Function &F, const FunctionAnnotations &A) {
  if (A.Blocking)
    F.addFnAttr(AttrBlocking);
  if (A.NonBlocking)
    F.addFnAttr(AttrNonBlocking);
  if (A.StackBound)
    F.addFnAttr(AttrStackBound, std::to_string(*A.StackBound));
}

void importGlobalAnnotations(Module &M) {
  GlobalVariable *GA = M.getGlobalVariable("llvm.global.annotations");
  if (!GA || !GA->hasInitializer())
    return;
  auto *Arr = dyn_cast<ConstantArray>(GA->getInitializer());
  if (!Arr)
    return;
  for (const Use &U : Arr->operands()) {
    auto *Entry = dyn_cast<ConstantStruct>(U.get());
    if (!Entry || Entry->getNumOperands() < 2)
      continue;
    auto *Target = dyn_cast<GlobalValue>(Entry->getOperand(0)->stripPointerCasts());
    auto *StrVar = dyn_cast<GlobalVariable>(Entry->getOperand(1)->stripPointerCasts());
    if (!Target || !StrVar || !StrVar->hasInitializer())
      continue;
    auto *Str = dyn_cast<ConstantDataArray>(StrVar->getInitializer());
    if (!Str || !Str->isCString())
      continue;
    StringRef Text = Str->getAsCString();
    if (!Text.starts_with("weft."))
      continue;
    if (auto *F = dyn_cast<Function>(Target)) {
      FunctionAnnotations A;
      if (Text == "weft.blocking")
        A.Blocking = true;
      else if (Text == "weft.nonblocking")
        A.NonBlocking = true;
      else if (Text == "weft.stack_bound" && Entry->getNumOperands() >= 5) {
        // The fifth field holds the annotation's arguments as a struct.
        auto *ArgsVar = dyn_cast<GlobalVariable>(Entry->getOperand(4)->stripPointerCasts());
        if (ArgsVar && ArgsVar->hasInitializer())
          if (auto *Args = dyn_cast<ConstantStruct>(ArgsVar->getInitializer()))
            if (Args->getNumOperands() == 1)
              if (auto *CI = dyn_cast<ConstantInt>(Args->getOperand(0)))
                A.StackBound = CI->getZExtValue();
      }
      applyTo(*F, A);
    } else if (auto *GV = dyn_cast<GlobalVariable>(Target)) {
      if (Text == "weft.norace")
        GV->addAttribute(AttrNoRace);
    }
  }
}

PreservedAnalyses ApplyAnnotationsPass::run(Module &M, ModuleAnalysisManager &) {
  if (Facts) {
    for (Function &F : M) {
      auto It = Facts->Functions.find(F.getName());
      if (It != Facts->Functions.end())
        applyTo(F, It->second);
    }
    for (GlobalVariable &GV : M.globals())
      if (Facts->NoRaceVariables.count(GV.getName()))
        GV.addAttribute(AttrNoRace);
  }
  importGlobalAnnotations(M);
  // The frontend's local variables (plugin/LocalScopes.h).
  if (importLocalVariables(M))
    return PreservedAnalyses::none();
  return PreservedAnalyses::all();
}

} // namespace weft
