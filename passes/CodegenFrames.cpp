//===- CodegenFrames.cpp --------------------------------------------------===//
#include "CodegenFrames.h"

#include "Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <memory>
#include <utility>

using namespace llvm;
using namespace llvm::object;

#define DEBUG_TYPE "weft-frames"

ALWAYS_ENABLED_STATISTIC(NumBlockAddressesRepaired, "blockaddress constants of the measured clone repaired");

namespace weft {

namespace {

CodeGenOptLevel optLevel(unsigned Level) {
  switch (Level) {
  case 0:
    return CodeGenOptLevel::None;
  case 1:
    return CodeGenOptLevel::Less;
  case 3:
    return CodeGenOptLevel::Aggressive;
  default:
    return CodeGenOptLevel::Default;
  }
}

std::string message(Error E) { return toString(std::move(E)); }

/// Reads the stack-sizes sections of an ELF relocatable object: each entry
/// is an address (0 here, with a relocation against the function's symbol
/// or its section) and a ULEB128 size.
bool readStackSizes(StringRef Object, StringMap<uint64_t> &Sizes, std::string &Err) {
  Expected<std::unique_ptr<ObjectFile>> Obj =
      ObjectFile::createObjectFile(MemoryBufferRef(Object, "weft-frames"));
  if (!Obj) {
    Err = message(Obj.takeError());
    return false;
  }
  // Function symbols by (section, offset), to name relocation targets.
  DenseMap<std::pair<uint64_t, uint64_t>, StringRef> Functions;
  for (const SymbolRef &S : (*Obj)->symbols()) {
    Expected<SymbolRef::Type> Type = S.getType();
    Expected<section_iterator> Sec = S.getSection();
    Expected<uint64_t> Value = S.getValue();
    Expected<StringRef> Name = S.getName();
    if (!Type || !Sec || !Value || !Name) {
      consumeError(Type.takeError());
      consumeError(Sec.takeError());
      consumeError(Value.takeError());
      consumeError(Name.takeError());
      continue;
    }
    if (*Type == SymbolRef::ST_Function && *Sec != (*Obj)->section_end())
      Functions[{(*Sec)->getIndex(), *Value}] = *Name;
  }
  for (const SectionRef &Rel : (*Obj)->sections()) {
    Expected<section_iterator> Target = Rel.getRelocatedSection();
    if (!Target) {
      consumeError(Target.takeError());
      continue;
    }
    if (*Target == (*Obj)->section_end())
      continue;
    Expected<StringRef> TargetName = (*Target)->getName();
    if (!TargetName || *TargetName != ".stack_sizes") {
      consumeError(TargetName.takeError());
      continue;
    }
    Expected<StringRef> Data = (*Target)->getContents();
    if (!Data) {
      Err = message(Data.takeError());
      return false;
    }
    const auto *Begin = reinterpret_cast<const uint8_t *>(Data->data());
    const uint8_t *End = Begin + Data->size();
    for (const RelocationRef &R : Rel.relocations()) {
      uint64_t Offset = R.getOffset();
      symbol_iterator Sym = R.getSymbol();
      if (Sym == (*Obj)->symbol_end() || Offset + 8 >= Data->size())
        continue;
      Expected<section_iterator> Sec = Sym->getSection();
      Expected<uint64_t> Value = Sym->getValue();
      Expected<int64_t> Addend = ELFRelocationRef(R).getAddend();
      if (!Sec || !Value || !Addend || *Sec == (*Obj)->section_end()) {
        consumeError(Sec.takeError());
        consumeError(Value.takeError());
        consumeError(Addend.takeError());
        continue;
      }
      const char *Bad = nullptr;
      unsigned Len = 0;
      uint64_t Size = decodeULEB128(Begin + Offset + 8, &Len, End, &Bad);
      if (Bad)
        continue;
      auto It = Functions.find({(*Sec)->getIndex(), *Value + *Addend});
      if (It != Functions.end())
        Sizes[It->second] = Size;
    }
  }
  return true;
}

/// CloneModule (LLVM 19) maps a blockaddress in a global's initializer (a
/// computed-goto table, `static void *tab[] = {&&op_add, ...}`) to a
/// constant that names the clone's function but the original's block: the
/// block is not in the module being compiled, so the backend emits a
/// reference to a label it never defines ("Undefined temporary symbol
/// .Ltmp4"). Points every such constant at the clone's own block. Returns
/// how many were repaired.
unsigned repairBlockAddresses(const Module &M, const ValueToValueMapTy &VMap) {
  unsigned Repaired = 0;
  for (const Function &F : M)
    for (const BasicBlock &BB : F) {
      if (!BB.hasAddressTaken())
        continue;
      auto *NewBB = cast_or_null<BasicBlock>(VMap.lookup(&BB));
      assert(NewBB && "a cloned function has every block of the original");
      SmallVector<BlockAddress *, 2> Wrong;
      for (const User *U : BB.users())
        if (const auto *BA = dyn_cast<BlockAddress>(U); BA && BA->getFunction() != &F)
          Wrong.push_back(const_cast<BlockAddress *>(BA));
      for (BlockAddress *BA : Wrong) {
        assert(BA->getFunction() == NewBB->getParent() && "a stray blockaddress");
        BA->replaceAllUsesWith(BlockAddress::get(NewBB));
        BA->destroyConstant();
        ++Repaired;
      }
    }
  return Repaired;
}

} // namespace

bool codegenFrameSizes(const Module &M, const CodegenConfig &Config, StringMap<uint64_t> &Sizes,
                       std::string &Err) {
  std::string TargetErr;
  const Target *T = TargetRegistry::lookupTarget(M.getTargetTriple(), TargetErr);
  if (!T) {
    Err = "no backend for '" + M.getTargetTriple() + "': " + TargetErr;
    return false;
  }
  TargetOptions TO;
  TO.EmitStackSizeSection = true;
  std::optional<Reloc::Model> RM;
  if (M.getPICLevel() != PICLevel::NotPIC || M.getPIELevel() != PIELevel::Default)
    RM = Reloc::PIC_;
  else
    RM = Reloc::Static;
  std::unique_ptr<TargetMachine> TM(T->createTargetMachine(
      M.getTargetTriple(), Config.CPU, Config.Features, TO, RM, M.getCodeModel(),
      optLevel(Config.OptLevel)));
  if (!TM) {
    Err = "cannot create a target machine for '" + M.getTargetTriple() + "'";
    return false;
  }
  // Debug info does not change code generation; dropping it saves time.
  ValueToValueMapTy VMap;
  std::unique_ptr<Module> Clone = CloneModule(M, VMap);
  unsigned Repaired = repairBlockAddresses(M, VMap);
  NumBlockAddressesRepaired += Repaired;
  LLVM_DEBUG(if (Repaired) dbgs() << "weft-frames: repaired " << Repaired
                                  << " blockaddress constants of the clone\n");
  StripDebugInfo(*Clone);
  SmallVector<char, 0> Object;
  raw_svector_ostream OS(Object);
  legacy::PassManager PM;
  if (TM->addPassesToEmitFile(PM, OS, nullptr, CodeGenFileType::ObjectFile)) {
    Err = "the backend for '" + M.getTargetTriple() + "' cannot emit an object file";
    return false;
  }
  PM.run(*Clone);
  return readStackSizes(StringRef(Object.data(), Object.size()), Sizes, Err);
}

const StringMap<uint64_t> *measureFrames(const Module &M, const CodegenConfig *Config,
                                         StringMap<uint64_t> &Sizes, DiagnosticSink *Sink,
                                         const char *Fallback) {
  if (!Config)
    return nullptr;
  std::string Err;
  if (codegenFrameSizes(M, *Config, Sizes, Err))
    return &Sizes;
  if (Sink)
    Sink->report(Severity::Warning, SourceLoc(),
                 "weft: cannot measure stack frames with the backend (" + Err + "); " +
                     Fallback);
  return nullptr;
}

} // namespace weft
