//===- CodegenFrames.cpp --------------------------------------------------===//
#include "CodegenFrames.h"

#include "Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <memory>
#include <utility>

using namespace llvm;
using namespace llvm::object;

#define DEBUG_TYPE "weft-frames"

ALWAYS_ENABLED_STATISTIC(NumModulesMeasured, "modules whose frames the backend measured");

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

} // namespace

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

namespace {

/// Errors of the measuring run's backend, kept instead of ending the
/// process (what an LLVMContext without a handler does on an error).
void keepErrors(const DiagnosticInfo *DI, void *Context) {
  if (DI->getSeverity() != DS_Error)
    return;
  auto &Err = *static_cast<std::string *>(Context);
  if (!Err.empty())
    return;
  raw_string_ostream OS(Err);
  DiagnosticPrinterRawOStream DP(OS);
  DI->print(DP);
}

/// An exact copy of M in a context of its own, by way of bitcode that keeps
/// the use-list order. CloneModule does not keep it, and the backend's
/// choices depend on it: on SQLite's sqlite3FkCheck the copy got a
/// 168-byte frame where the real compile gets 184, so a bound measured on
/// the copy was 16 bytes short. CloneModule also pointed the blockaddress
/// constants of computed-goto tables at the original's blocks (the copy's
/// object then referenced undefined labels). A context of its own keeps
/// the measuring run's diagnostics out of the user's compile.
std::unique_ptr<Module> exactCopy(const Module &M, LLVMContext &Ctx, std::string &Err) {
  SmallVector<char, 0> Bitcode;
  raw_svector_ostream BOS(Bitcode);
  WriteBitcodeToFile(M, BOS, /*ShouldPreserveUseListOrder=*/true);
  Expected<std::unique_ptr<Module>> Copy =
      parseBitcodeFile(MemoryBufferRef(StringRef(Bitcode.data(), Bitcode.size()), "weft-frames"),
                       Ctx);
  if (!Copy) {
    Err = "cannot copy the module: " + message(Copy.takeError());
    return nullptr;
  }
  return std::move(*Copy);
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
  LLVMContext Ctx;
  std::string BackendErr;
  Ctx.setDiagnosticHandlerCallBack(keepErrors, &BackendErr);
  std::unique_ptr<Module> Clone = exactCopy(M, Ctx, Err);
  if (!Clone)
    return false;
  ++NumModulesMeasured;
  // Debug info does not change code generation; dropping it saves time.
  StripDebugInfo(*Clone);
  SmallVector<char, 0> Object;
  raw_svector_ostream OS(Object);
  legacy::PassManager PM;
  if (TM->addPassesToEmitFile(PM, OS, nullptr, CodeGenFileType::ObjectFile)) {
    Err = "the backend for '" + M.getTargetTriple() + "' cannot emit an object file";
    return false;
  }
  PM.run(*Clone);
  if (!BackendErr.empty()) {
    Err = "the backend failed: " + BackendErr;
    return false;
  }
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
