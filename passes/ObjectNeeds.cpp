//===- ObjectNeeds.cpp ----------------------------------------------------===//
#include "ObjectNeeds.h"

#include "CodegenFrames.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Endian.h"

#include <cassert>
#include <cstring>

using namespace llvm;
using namespace llvm::object;

#define DEBUG_TYPE "weft-checkpoints"
ALWAYS_ENABLED_STATISTIC(NumObjectsPatched, "Objects whose checkpoint constants were filled in");
ALWAYS_ENABLED_STATISTIC(NumNeedsPatched, "Checkpoint constants filled into objects");

namespace weft {

namespace {

std::string message(Error E) { return toString(std::move(E)); }

/// Writes V (with the relocation's addend) where a relocation of Type
/// points, if it fits.
bool writeValue(char *At, uint32_t Type, int64_t V, std::string &Err) {
  switch (Type) {
  case ELF::R_X86_64_32:
    if (V < 0 || V > int64_t(UINT32_MAX))
      break;
    support::endian::write32le(At, uint32_t(V));
    return true;
  case ELF::R_X86_64_32S:
    if (V < INT32_MIN || V > INT32_MAX)
      break;
    support::endian::write32le(At, uint32_t(int32_t(V)));
    return true;
  case ELF::R_X86_64_64:
    support::endian::write64le(At, uint64_t(V));
    return true;
  default:
    Err = "a relocation of type " + std::to_string(Type) + " refers to a checkpoint constant";
    return false;
  }
  Err = "the checkpoint constant " + std::to_string(V) + " does not fit its relocation";
  return false;
}

} // namespace

bool patchObjectNeeds(MutableArrayRef<char> Object, const DeferredNeeds &Needs,
                      bool KeepStackSizes, std::string &Err) {
  assert(Needs.pending() && "only an object with constants left to it is patched");
  StringRef Bytes(Object.data(), Object.size());
  StringMap<uint64_t> Frames;
  if (!readStackSizes(Bytes, Frames, Err))
    return false;
  StringMap<int64_t> Values;
  if (!Needs.Resolve(Frames, Values, Err))
    return false;

  Expected<ELF64LEFile> File = ELF64LEFile::create(Bytes);
  if (!File) {
    Err = message(File.takeError());
    return false;
  }
  if (File->getHeader().e_machine != ELF::EM_X86_64 || File->getHeader().e_type != ELF::ET_REL) {
    Err = "not an x86-64 relocatable object";
    return false;
  }
  auto Sections = File->sections();
  if (!Sections) {
    Err = message(Sections.takeError());
    return false;
  }
  // Symbol index -> value, for the symbols that stand for constants.
  DenseMap<uint32_t, int64_t> ByIndex;
  const ELF64LE::Shdr *SymTab = nullptr;
  for (const ELF64LE::Shdr &S : *Sections)
    if (S.sh_type == ELF::SHT_SYMTAB)
      SymTab = &S;
  if (!SymTab) {
    Err = "the object has no symbol table";
    return false;
  }
  auto Syms = File->symbols(SymTab);
  auto Names = File->getStringTableForSymtab(*SymTab, *Sections);
  if (!Syms || !Names) {
    Err = !Syms ? message(Syms.takeError()) : message(Names.takeError());
    return false;
  }
  for (size_t I = 0; I < Syms->size(); ++I) {
    const ELF64LE::Sym &Sym = (*Syms)[I];
    Expected<StringRef> Name = Sym.getName(*Names);
    if (!Name) {
      Err = message(Name.takeError());
      return false;
    }
    if (!Name->starts_with(NeedSymbolPrefix))
      continue;
    auto It = Values.find(*Name);
    if (It == Values.end()) {
      Err = "no value for " + Name->str();
      return false;
    }
    ByIndex[I] = It->second;
    // A weak hidden absolute definition nothing refers to once the
    // relocations are gone: several objects may have one of each name.
    auto *Out = reinterpret_cast<ELF64LE::Sym *>(Object.data() + SymTab->sh_offset +
                                                 I * sizeof(ELF64LE::Sym));
    Out->setBindingAndType(ELF::STB_WEAK, ELF::STT_NOTYPE);
    Out->st_shndx = ELF::SHN_ABS;
    Out->st_value = uint64_t(It->second);
    Out->st_size = 0;
  }
  // A constant whose every use the backend dropped is not in the object.
  assert(ByIndex.size() <= Values.size() && "every symbol found has a value");

  size_t Patched = 0;
  for (const ELF64LE::Shdr &S : *Sections) {
    if (S.sh_type == ELF::SHT_REL) {
      // x86-64 objects use RELA; a REL section would keep addends in place.
      Err = "the object has SHT_REL relocations";
      return false;
    }
    if (S.sh_type != ELF::SHT_RELA || S.sh_link != unsigned(SymTab - &(*Sections)[0]))
      continue;
    if (S.sh_info >= Sections->size()) {
      Err = "a relocation section names no section";
      return false;
    }
    const ELF64LE::Shdr &Target = (*Sections)[S.sh_info];
    auto Relas = File->relas(S);
    if (!Relas) {
      Err = message(Relas.takeError());
      return false;
    }
    for (size_t K = 0; K < Relas->size(); ++K) {
      const ELF64LE::Rela &R = (*Relas)[K];
      auto It = ByIndex.find(R.getSymbol(false));
      if (It == ByIndex.end())
        continue;
      uint32_t Type = R.getType(false);
      unsigned Width = Type == ELF::R_X86_64_64 ? 8 : 4;
      if (Target.sh_type == ELF::SHT_NOBITS || R.r_offset + Width > Target.sh_size) {
        Err = "a checkpoint constant's relocation points outside its section";
        return false;
      }
      if (!writeValue(Object.data() + Target.sh_offset + R.r_offset, Type,
                      It->second + R.r_addend, Err))
        return false;
      auto *Out = reinterpret_cast<ELF64LE::Rela *>(Object.data() + S.sh_offset +
                                                    K * sizeof(ELF64LE::Rela));
      Out->setSymbolAndType(0, ELF::R_X86_64_NONE, false);
      Out->r_addend = 0;
      ++Patched;
    }
  }

  if (!KeepStackSizes) {
    auto ShStr = File->getSectionStringTable(*Sections);
    if (!ShStr) {
      Err = message(ShStr.takeError());
      return false;
    }
    const ELF64LE::Shdr *First = &(*Sections)[0];
    for (const ELF64LE::Shdr &S : *Sections) {
      Expected<StringRef> Name = File->getSectionName(S, *ShStr);
      if (!Name) {
        Err = message(Name.takeError());
        return false;
      }
      if (*Name != ".stack_sizes")
        continue;
      auto *Out = reinterpret_cast<ELF64LE::Shdr *>(Object.data() + File->getHeader().e_shoff +
                                                    (&S - First) * sizeof(ELF64LE::Shdr));
      Out->sh_flags = Out->sh_flags | ELF::SHF_EXCLUDE;
    }
  }
  ++NumObjectsPatched;
  NumNeedsPatched += Patched;
  LLVM_DEBUG(dbgs() << "weft-checkpoints: filled " << Values.size() << " constants in at "
                    << Patched << " places\n");
  return true;
}

} // namespace weft
