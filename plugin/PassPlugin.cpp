//===- PassPlugin.cpp - WeftPlugin.so: the library users load -------------===//
//
// WeftPlugin.so is what -fplugin=, -fpass-plugin= and opt -load-pass-plugin
// load. It exports llvmGetPassPluginInfo (weft's passes, for opt and
// -fpass-plugin) and, when it is loaded into Clang, loads the frontend
// action from WeftFrontend.so beside it.
//
// Why two files: the frontend action needs libclang-cpp, and loading
// libclang-cpp into opt aborts (both define the same command-line options).
// So WeftPlugin.so depends on LLVM only, and pulls in the Clang part only
// where Clang's plugin registry already exists in the process.
//
//===----------------------------------------------------------------------===//
#include "Pipeline.h"

#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <string>

namespace {

/// Clang's frontend plugin registry; present only in a Clang process.
constexpr const char *ClangRegistrySymbol =
    "_ZN4llvm8RegistryIN5clang15PluginASTActionEE4HeadE";

__attribute__((constructor)) void loadFrontendIntoClang() {
  if (!dlsym(RTLD_DEFAULT, ClangRegistrySymbol))
    return;
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&loadFrontendIntoClang), &Info) || !Info.dli_fname)
    return;
  std::string Path = Info.dli_fname;
  size_t Slash = Path.rfind('/');
  Path = (Slash == std::string::npos ? std::string(".") : Path.substr(0, Slash)) +
         "/WeftFrontend.so";
  if (!dlopen(Path.c_str(), RTLD_NOW | RTLD_GLOBAL))
    llvm::errs() << "error: weft: cannot load the plugin's frontend '" << Path
                 << "': " << dlerror() << "\n";
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "weft", "0.1", [](llvm::PassBuilder &PB) {
            weft::registerWeftPipeline(
                PB, weft::PipelineSetup::forHost(weft::PipelineHost::PassPlugin));
          }};
}
