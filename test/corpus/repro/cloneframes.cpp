// cloneframes FILE.ll: generates code for the module and for a CloneModule copy
// (what passes/CodegenFrames.cpp measures) and prints the functions whose
// frames differ; exits 0 if one does.
//   clang++-19 -std=c++17 $(llvm-config-19 --cxxflags) cloneframes.cpp -o cloneframes \
//     $(llvm-config-19 --ldflags --libs all)
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include <map>
using namespace llvm;
using namespace llvm::object;
static std::map<std::string, uint64_t> frames(Module &M) {
  std::string E;
  const Target *T = TargetRegistry::lookupTarget(M.getTargetTriple(), E);
  TargetOptions TO; TO.EmitStackSizeSection = true;
  std::unique_ptr<TargetMachine> TM(T->createTargetMachine(M.getTargetTriple(), "x86-64", "", TO, Reloc::PIC_, std::nullopt, CodeGenOptLevel::Default));
  SmallVector<char, 0> Obj; raw_svector_ostream OS(Obj);
  legacy::PassManager PM;
  TM->addPassesToEmitFile(PM, OS, nullptr, CodeGenFileType::ObjectFile);
  PM.run(M);
  std::map<std::string, uint64_t> R;
  auto O = cantFail(ObjectFile::createObjectFile(MemoryBufferRef(StringRef(Obj.data(), Obj.size()), "x")));
  std::map<std::pair<uint64_t,uint64_t>, std::string> F;
  for (auto &S : O->symbols())
    if (cantFail(S.getType()) == SymbolRef::ST_Function)
      F[{cantFail(S.getSection())->getIndex(), cantFail(S.getValue())}] = cantFail(S.getName()).str();
  for (auto &Rel : O->sections()) {
    auto Tg = cantFail(Rel.getRelocatedSection());
    if (Tg == O->section_end() || cantFail(Tg->getName()) != ".stack_sizes") continue;
    StringRef D = cantFail(Tg->getContents());
    for (auto &Rl : Rel.relocations()) {
      auto Sym = Rl.getSymbol();
      uint64_t Off = Rl.getOffset();
      unsigned N; uint64_t Sz = decodeULEB128((const uint8_t*)D.data() + Off + 8, &N);
      R[F[{cantFail(Sym->getSection())->getIndex(), cantFail(Sym->getValue()) + cantFail(ELFRelocationRef(Rl).getAddend())}]] = Sz;
    }
  }
  return R;
}
int main(int argc, char **argv) {
  InitializeAllTargets(); InitializeAllTargetMCs(); InitializeAllAsmPrinters();
  LLVMContext C; SMDiagnostic Err;
  auto M = parseIRFile(argv[1], Err, C);
  if (!M) { Err.print(argv[0], errs()); return 2; }
  auto Clone = CloneModule(*M);
  auto A = frames(*M), B = frames(*Clone);
  int diff = 0;
  for (auto &[N, S] : A)
    if (B.count(N) && B[N] != S) { outs() << N << ": original " << S << ", clone " << B[N] << "\n"; diff++; }
  return diff ? 0 : 1;
}
