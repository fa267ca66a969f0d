//===- Locations.cpp ------------------------------------------------------===//
#include "Locations.h"

#include "AtomicSections.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "Diagnostics.h"
#include "Summary.h"
#include "WholeProgram.h"

#include "weft/abi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BuildLibCalls.h"

#include <deque>

using namespace llvm;

#define DEBUG_TYPE "weft-locations"
ALWAYS_ENABLED_STATISTIC(NumUnboundedFunctions,
                         "Functions whose memory weft cannot bound (section locks)");

namespace weft {

bool LocationSet::merge(const LocationSet &Other) {
  size_t Before = Names.size();
  bool WasUnbounded = Unbounded;
  Names.insert(Other.Names.begin(), Other.Names.end());
  if (Other.Unbounded)
    unbound(Other.Why);
  return Names.size() != Before || Unbounded != WasUnbounded;
}

uint32_t lockIdOf(StringRef Name) {
  uint32_t H = 2166136261u;
  for (unsigned char C : Name) {
    H ^= C;
    H *= 16777619u;
  }
  return H == WEFT_SECTION_COARSE ? WEFT_SECTION_COARSE - 1 : H;
}

namespace {

/// "struct.account.3" -> "struct account": the kind, a space, the C name,
/// without LLVM's renaming suffix.
std::string typeName(StructType *S) {
  if (!S->hasName()) {
    std::string Out;
    raw_string_ostream OS(Out);
    S->print(OS);
    return Out;
  }
  StringRef Name = S->getName();
  // LLVM renames a second type of one name to <name>.<n>; C and C++ names
  // have no dots.
  size_t Dot = Name.rfind('.');
  if (Dot != StringRef::npos && Dot + 1 < Name.size() &&
      Name.drop_front(Dot + 1).find_first_not_of("0123456789") == StringRef::npos &&
      Name.take_front(Dot).contains('.'))
    Name = Name.take_front(Dot);
  auto [Kind, Rest] = Name.split('.');
  return Rest.empty() ? Name.str() : (Kind + " " + Rest).str();
}

} // namespace

std::string fieldLocation(StructType *S, unsigned Field) {
  return "type:" + typeName(S) + "." + std::to_string(Field);
}

namespace {

bool holdsStruct(Type *T) {
  if (auto *A = dyn_cast<ArrayType>(T))
    return holdsStruct(A->getElementType());
  if (auto *V = dyn_cast<VectorType>(T))
    return holdsStruct(V->getElementType());
  return isa<StructType>(T);
}

/// Every scalar field inside T, as type locations.
void addFields(Type *T, LocationSet &Out) {
  if (auto *A = dyn_cast<ArrayType>(T))
    return addFields(A->getElementType(), Out);
  auto *S = dyn_cast<StructType>(T);
  if (!S || S->isOpaque())
    return;
  for (unsigned I = 0; I < S->getNumElements(); ++I) {
    Type *FT = S->getElementType(I);
    if (holdsStruct(FT))
      addFields(FT, Out);
    else
      Out.add(fieldLocation(S, I));
  }
}

/// The innermost struct field a GEP selects: the struct, the field's index
/// and its type. `Complete` is false when a struct index is not a constant
/// (the walk stops there, with the fields before it).
struct FieldStep {
  StructType *S = nullptr;
  unsigned Field = 0;
  Type *FieldType = nullptr;
  bool Complete = true;
};

FieldStep innermostField(const GEPOperator &GEP) {
  FieldStep Out;
  Type *T = GEP.getSourceElementType();
  for (auto Idx = GEP.idx_begin() + 1; Idx != GEP.idx_end() && T; ++Idx) {
    if (auto *S = dyn_cast<StructType>(T)) {
      auto *CI = dyn_cast<ConstantInt>(Idx->get());
      if (!CI) {
        Out.Complete = false;
        break;
      }
      Out.S = S;
      Out.Field = static_cast<unsigned>(CI->getZExtValue());
      T = Out.FieldType = S->getElementType(Out.Field);
    } else if (auto *A = dyn_cast<ArrayType>(T)) {
      T = A->getElementType();
    } else if (auto *Vec = dyn_cast<VectorType>(T)) {
      T = Vec->getElementType();
    } else {
      T = nullptr;
    }
  }
  return Out;
}

/// Whether a pointer to the global's memory may be made: anything but
/// loads, stores, atomics and memory intrinsics through it (and offsets from
/// it). A global of internal linkage whose address is never made can only
/// be reached by name.
bool addressEscapes(const GlobalVariable &GV) {
  if (!GV.hasLocalLinkage())
    return true; // another unit may take it
  SmallVector<const User *, 16> Work(GV.users().begin(), GV.users().end());
  SmallPtrSet<const User *, 16> Seen;
  while (!Work.empty()) {
    const User *U = Work.pop_back_val();
    if (!Seen.insert(U).second)
      continue;
    if (isa<LoadInst>(U))
      continue;
    if (const auto *S = dyn_cast<StoreInst>(U)) {
      if (Seen.count(dyn_cast<User>(S->getValueOperand())) ||
          S->getValueOperand() == &GV)
        return true; // its address is stored
      continue;
    }
    if (isa<AtomicRMWInst, AtomicCmpXchgInst, MemIntrinsic>(U))
      continue;
    if (isa<GEPOperator>(U) || isa<BitCastOperator>(U) || isa<AddrSpaceCastOperator>(U)) {
      Work.append(U->user_begin(), U->user_end());
      continue;
    }
    return true;
  }
  return false;
}

/// The locations a pointer may point into.
void locate(const Value *Ptr, LocationSet &Out) {
  const Value *Base = getUnderlyingObject(Ptr);
  // A stack object whose address never escapes is the thread's own.
  if (const auto *AI = dyn_cast<AllocaInst>(Base))
    if (!PointerMayBeCaptured(AI, /*ReturnCaptures=*/true, /*StoreCaptures=*/true))
      return;
  // A global: its name; and, when a pointer to it may exist, the struct
  // fields it holds too, so that `g.x` and `p->x` meet.
  bool ByNameOnly = false;
  if (const auto *GV = dyn_cast<GlobalVariable>(Base)) {
    if (GV->isConstant() || GV->isThreadLocal())
      return;
    Out.add("global:" + GV->getName().str());
    if (!addressEscapes(*GV))
      return;
    ByNameOnly = !holdsStruct(GV->getValueType());
    if (ByNameOnly)
      return;
  }
  const Value *V = Ptr;
  for (unsigned Steps = 0; Steps < 32; ++Steps) {
    V = V->stripPointerCasts();
    if (const auto *GEP = dyn_cast<GEPOperator>(V)) {
      if (FieldStep Step = innermostField(*GEP); Step.S) {
        if (holdsStruct(Step.FieldType))
          addFields(Step.FieldType, Out);
        else
          Out.add(fieldLocation(Step.S, Step.Field));
        return;
      }
      V = GEP->getPointerOperand(); // an array element or pointer arithmetic
      continue;
    }
    if (const auto *GV = dyn_cast<GlobalVariable>(V)) {
      // Reached without a struct field: all the fields it holds.
      addFields(GV->getValueType(), Out);
      return;
    }
    if (isa<Function>(V) || isa<ConstantPointerNull>(V) || isa<UndefValue>(V))
      return;
    break;
  }
  Out.unbound("a pointer of unknown origin");
}

} // namespace

const char *toString(Memory M) {
  return M == Memory::None ? "none" : M == Memory::Args ? "args" : "any";
}

Memory memoryOf(const Function &F) {
  if (F.isIntrinsic() || F.doesNotAccessMemory())
    return Memory::None;
  if (F.onlyAccessesArgMemory() || F.onlyAccessesInaccessibleMemOrArgMem() ||
      F.onlyAccessesInaccessibleMemory())
    return Memory::Args;
  return Memory::Any;
}

void locationsOf(const Instruction &I, LocationSet &Out) {
  if (const auto *L = dyn_cast<LoadInst>(&I))
    return locate(L->getPointerOperand(), Out);
  if (const auto *S = dyn_cast<StoreInst>(&I))
    return locate(S->getPointerOperand(), Out);
  if (const auto *RMW = dyn_cast<AtomicRMWInst>(&I))
    return locate(RMW->getPointerOperand(), Out);
  if (const auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
    return locate(CX->getPointerOperand(), Out);
  if (const auto *MI = dyn_cast<MemIntrinsic>(&I)) {
    locate(MI->getRawDest(), Out);
    if (const auto *MT = dyn_cast<MemTransferInst>(MI))
      locate(MT->getRawSource(), Out);
  }
}

void locationsOfPointer(const Value *Ptr, LocationSet &Out) { locate(Ptr, Out); }

std::optional<std::string> objectName(const Value *Ptr) {
  if (const auto *GV = dyn_cast<GlobalVariable>(getUnderlyingObject(Ptr)))
    return "global:" + GV->getName().str();
  return fieldName(Ptr);
}

std::optional<std::string> fieldName(const Value *Ptr) {
  const auto *GEP = dyn_cast<GEPOperator>(Ptr->stripPointerCasts());
  if (!GEP)
    return std::nullopt;
  FieldStep Step = innermostField(*GEP);
  if (!Step.S || !Step.Complete)
    return std::nullopt;
  return fieldLocation(Step.S, Step.Field);
}

void inferLibraryMemory(Module &M) {
  TargetLibraryInfoImpl TLII(Triple(M.getTargetTriple()));
  TargetLibraryInfo TLI(TLII);
  for (Function &F : M)
    if (F.isDeclaration() && !F.isIntrinsic())
      inferNonMandatoryLibFuncAttrs(F, TLI);
}

void ownLocations(const Function &F, LocationSet &Out, std::vector<const CallBase *> &Opaque) {
  std::vector<const Instruction *> All;
  for (const Instruction &I : instructions(F))
    All.push_back(&I);
  ownLocations(All, Out, Opaque);
}

void ownLocations(ArrayRef<const Instruction *> Code, LocationSet &Out,
                  std::vector<const CallBase *> &Opaque) {
  for (const Instruction *IP : Code) {
    const Instruction &I = *IP;
    locationsOf(I, Out);
    const auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || isIgnoredCall(*CB))
      continue;
    const Function *Callee = directCallee(*CB);
    if (!Callee || !Callee->isDeclaration())
      continue;
    if (Callee->getName() == SectionEnterName || Callee->getName() == SectionLeaveName)
      continue;
    switch (memoryOf(*Callee)) {
    case Memory::None:
      break;
    case Memory::Args:
      for (const Use &A : CB->args())
        if (A->getType()->isPointerTy())
          locate(A.get(), Out);
      break;
    case Memory::Any:
      Opaque.push_back(CB);
      break;
    }
  }
}

FunctionLocations::FunctionLocations(const BlockingGraph &G) : G(G) {
  Module &M = G.module();
  inferLibraryMemory(M);
  const WholeProgram *P = G.program();
  if (P)
    Unit = unitOf(M);

  // Each function's own accesses, and the calls whose callees add theirs.
  DenseMap<const Function *, std::vector<const Function *>> Callers;
  std::deque<const Function *> Work;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    LocationSet &S = Sets[&F];
    std::vector<const CallBase *> Opaque;
    ownLocations(F, S, Opaque);
    for (const CallBase *CB : Opaque)
      addDeclared(*CB, *directCallee(*CB), S);
    for (const CallSite &CS : G.callSites(F)) {
      if (CS.Indirect && CS.Callees.empty() && !CS.Remote)
        S.unbound("an indirect call with no known target");
      if (CS.Indirect && P)
        for (const ProgramFunction *T :
             P->targets(signatureOf(CS.Call->getFunctionType()), Unit))
          S.merge(P->locationsOf(*T));
      for (const Function *C : CS.Callees)
        if (!C->isDeclaration())
          Callers[C].push_back(&F);
        else if (CS.Indirect && !C->isIntrinsic() && memoryOf(*C) == Memory::Any)
          S.unbound("may call '" + displayName(C->getName()) + "' through a pointer");
    }
    Work.push_back(&F);
  }
  // Callers take their callees' locations, to a fixed point (recursion).
  while (!Work.empty()) {
    const Function *F = Work.front();
    Work.pop_front();
    auto It = Callers.find(F);
    if (It == Callers.end())
      continue;
    LocationSet Mine = Sets[F];
    for (const Function *C : It->second)
      if (Sets[C].merge(Mine))
        Work.push_back(C);
  }
  for (const auto &[F, S] : Sets)
    NumUnboundedFunctions += S.Unbounded;
}

void FunctionLocations::addDeclared(const CallBase &CB, const Function &Callee,
                                    LocationSet &Out) const {
  StringRef N = Callee.getName();
  if (Callee.isIntrinsic() || N == SectionEnterName || N == SectionLeaveName)
    return;
  const WholeProgram *P = G.program();
  if (P && Callee.hasExternalLinkage())
    if (const ProgramFunction *D = P->definition(N)) {
      Out.merge(P->locationsOf(*D));
      return;
    }
  switch (memoryOf(Callee)) {
  case Memory::None:
    break;
  case Memory::Args:
    for (const Use &A : CB.args())
      if (A->getType()->isPointerTy())
        locate(A.get(), Out);
    break;
  case Memory::Any:
    Out.unbound("calls '" + displayName(N) + "', which weft cannot see into");
    break;
  }
}

void FunctionLocations::addCall(const CallBase &CB, LocationSet &Out) const {
  if (isIgnoredCall(CB))
    return;
  if (const Function *Callee = directCallee(CB)) {
    if (Callee->isDeclaration())
      addDeclared(CB, *Callee, Out);
    else
      Out.merge(of(*Callee));
    return;
  }
  for (const CallSite &CS : G.callSites(*CB.getFunction())) {
    if (CS.Call != &CB)
      continue;
    if (CS.Callees.empty() && !CS.Remote)
      Out.unbound("an indirect call with no known target");
    for (const Function *C : CS.Callees)
      if (C->isDeclaration())
        addDeclared(CB, *C, Out);
      else
        Out.merge(of(*C));
    if (const WholeProgram *P = G.program())
      for (const ProgramFunction *T : P->targets(signatureOf(CB.getFunctionType()), Unit))
        Out.merge(P->locationsOf(*T));
    return;
  }
  Out.unbound("a call weft cannot resolve");
}

const LocationSet &FunctionLocations::of(const Function &F) const {
  auto It = Sets.find(&F);
  return It == Sets.end() ? Empty : It->second;
}

} // namespace weft
