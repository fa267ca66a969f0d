//===- SectionLocks.cpp ---------------------------------------------------===//
#include "SectionLocks.h"

#include "AtomicSections.h"
#include "BlockingGraph.h"
#include "Diagnostics.h"
#include "Locations.h"

#include "weft/abi.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cassert>

using namespace llvm;

#define DEBUG_TYPE "weft-sections"
ALWAYS_ENABLED_STATISTIC(NumSectionsLocked, "Atomic sections given their own locks");
ALWAYS_ENABLED_STATISTIC(NumSectionsCoarse, "Atomic sections that take the coarse lock");

namespace weft {

std::vector<SectionLocks> inferSectionLocks(const AtomicSections &Sections,
                                            const BlockingGraph &G) {
  std::vector<SectionLocks> Out;
  if (Sections.sections().empty())
    return Out;
  FunctionLocations FL(G);
  for (const AtomicSection &S : Sections.sections()) {
    LocationSet Set;
    for (const Instruction *I : S.Body) {
      locationsOf(*I, Set);
      if (const auto *CB = dyn_cast<CallBase>(I))
        FL.addCall(*CB, Set);
    }
    SectionLocks L;
    L.Coarse = Set.Unbounded;
    L.Why = Set.Why;
    if (!L.Coarse) {
      L.Names.assign(Set.Names.begin(), Set.Names.end());
      for (const std::string &N : L.Names)
        L.Ids.push_back(lockIdOf(N));
      std::sort(L.Ids.begin(), L.Ids.end());
      L.Ids.erase(std::unique(L.Ids.begin(), L.Ids.end()), L.Ids.end());
    }
    ++(L.Coarse ? NumSectionsCoarse : NumSectionsLocked);
    LLVM_DEBUG(dbgs() << "weft-sections: a section in " << S.Enter->getFunction()->getName()
                      << ": " << (L.Coarse ? "coarse (" + L.Why + ")" : "") << L.Names.size()
                      << " locations\n");
    Out.push_back(std::move(L));
  }
  return Out;
}

bool emitSectionDescriptions(const AtomicSections &Sections,
                             const std::vector<SectionLocks> &Locks) {
  assert(Sections.sections().size() == Locks.size() && "one lock set per section");
  bool Changed = false;
  for (size_t I = 0; I < Locks.size(); ++I) {
    CallBase *Enter = Sections.sections()[I].Enter;
    if (Enter->arg_size() != 1 || !isa<ConstantPointerNull>(Enter->getArgOperand(0)))
      continue; // described already, or not WEFT_ATOMIC's call
    Module &M = *Enter->getModule();
    LLVMContext &C = M.getContext();
    const SectionLocks &L = Locks[I];
    auto *I32 = Type::getInt32Ty(C);
    auto *Ptr = PointerType::getUnqual(C);
    // struct weft_section { const char *file; unsigned line, nlocks; const unsigned *locks; }
    auto *Desc = StructType::get(C, {Ptr, I32, I32, Ptr});
    SourceLoc Where = userLocationOf(*Enter);
    Constant *File = Where.File.empty()
                         ? ConstantPointerNull::get(Ptr)
                         : static_cast<Constant *>(new GlobalVariable(
                               M, ArrayType::get(Type::getInt8Ty(C), Where.File.size() + 1),
                               true, GlobalValue::PrivateLinkage,
                               ConstantDataArray::getString(C, Where.File), "__weft_section.file"));
    if (auto *GV = dyn_cast<GlobalVariable>(File))
      GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    Constant *LockArray = ConstantPointerNull::get(Ptr);
    uint32_t N = L.Coarse ? WEFT_SECTION_COARSE : static_cast<uint32_t>(L.Ids.size());
    if (!L.Coarse && !L.Ids.empty()) {
      auto *GV = new GlobalVariable(M, ArrayType::get(I32, L.Ids.size()), true,
                                    GlobalValue::PrivateLinkage,
                                    ConstantDataArray::get(C, ArrayRef<uint32_t>(L.Ids)),
                                    "__weft_section.locks");
      GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
      LockArray = GV;
    }
    auto *Description = new GlobalVariable(
        M, Desc, true, GlobalValue::PrivateLinkage,
        ConstantStruct::get(Desc, {File, ConstantInt::get(I32, Where.Line),
                                   ConstantInt::get(I32, N), LockArray}),
        "__weft_section");
    Enter->setArgOperand(0, Description);
    Changed = true;
  }
  return Changed;
}

} // namespace weft
