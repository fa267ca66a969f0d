//===- FrontendAction.cpp - the weft Clang plugin's frontend action ------===//
//
// Loaded with -fplugin=WeftPlugin.so, this frontend action runs before
// Clang's own. It parses -fplugin-arg-weft-* options, reads the WEFT_*
// annotations from the AST (declarations included, which the IR alone
// cannot show), turns on location tracking so findings have a line and
// column even without -g, and pushes weft's passes into the pipeline
// through CodeGenOptions::PassBuilderCallbacks, at every -O level. Findings
// come back as real Clang diagnostics.
//
// This file is built into WeftFrontend.so, which WeftPlugin.so loads when
// it finds itself inside Clang (see PassPlugin.cpp for why they are two).
//
//===----------------------------------------------------------------------===//
#include "Annotations.h"
#include "Diagnostics.h"
#include "LocalScopes.h"
#include "ObjectNeeds.h"
#include "Options.h"
#include "Pipeline.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <map>
#include <optional>

using namespace clang;

namespace {

/// Reports `Msg` at `Loc` as a custom diagnostic of the given level.
void emit(DiagnosticsEngine &D, SourceLocation Loc, DiagnosticsEngine::Level Level,
          const std::string &Msg) {
  D.Report(Loc, D.getCustomDiagID(Level, "%0")) << Msg;
}

/// The level of a weft warning, or none when warnings are off. Clang 19
/// applies neither -Werror nor -w to custom diagnostics, so weft does.
std::optional<DiagnosticsEngine::Level> warningLevel(const DiagnosticsEngine &D) {
  if (D.getIgnoreAllWarnings())
    return std::nullopt;
  return D.getWarningsAsErrors() ? DiagnosticsEngine::Error : DiagnosticsEngine::Warning;
}

/// Delivers weft's findings as Clang diagnostics at the user's source
/// location.
class ClangDiagnosticSink : public weft::DiagnosticSink {
public:
  explicit ClangDiagnosticSink(CompilerInstance &CI) : CI(CI) {}

  void report(weft::Severity S, const weft::SourceLoc &L, const std::string &Msg) override {
    DiagnosticsEngine &D = CI.getDiagnostics();
    DiagnosticsEngine::Level Level = DiagnosticsEngine::Note;
    switch (S) {
    case weft::Severity::Error:
      Level = DiagnosticsEngine::Error;
      SuppressNotes = false;
      break;
    case weft::Severity::Warning: {
      std::optional<DiagnosticsEngine::Level> W = warningLevel(D);
      SuppressNotes = !W;
      if (!W)
        return;
      Level = *W;
      break;
    }
    case weft::Severity::Remark:
      Level = DiagnosticsEngine::Remark;
      SuppressNotes = false;
      break;
    case weft::Severity::Note:
      if (SuppressNotes)
        return;
      Level = DiagnosticsEngine::Note;
      break;
    }
    count(Level == DiagnosticsEngine::Error ? weft::Severity::Error : S);
    emit(D, translate(L), Level, Msg);
  }

private:
  SourceLocation translate(const weft::SourceLoc &L) {
    if (!L.valid())
      return SourceLocation();
    // A file under the working directory is named relative to it, as the
    // compiler names the unit's own files.
    StringRef Name = L.File;
    if (llvm::ErrorOr<std::string> Cwd =
            CI.getFileManager().getVirtualFileSystem().getCurrentWorkingDirectory())
      if (Name.starts_with(*Cwd + "/"))
        Name = Name.drop_front(Cwd->size() + 1);
    auto File = CI.getFileManager().getOptionalFileRef(Name);
    if (!File)
      return SourceLocation();
    SourceManager &SM = CI.getSourceManager();
    // A file of another unit (a whole-program chain) enters the source
    // manager here, so its notes show a line and a snippet like any other.
    FileID FID = SM.translateFile(*File);
    if (FID.isInvalid())
      FID = SM.createFileID(*File, SourceLocation(), SrcMgr::C_User);
    return SM.translateLineCol(FID, L.Line, L.Column ? L.Column : 1);
  }

  CompilerInstance &CI;
  bool SuppressNotes = false;
};

/// Reads WEFT_* annotations from the AST and checks that they are well
/// formed, and checks how WEFT_ATOMIC blocks are written.
class AnnotationCollector : public ASTConsumer,
                            public RecursiveASTVisitor<AnnotationCollector> {
public:
  AnnotationCollector(CompilerInstance &CI, std::shared_ptr<weft::AnnotationFacts> Facts,
                      bool CheckSections)
      : CI(CI), CheckSections(CheckSections), Facts(std::move(Facts)) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    this->Ctx = &Ctx;
    Names = std::make_unique<ASTNameGenerator>(Ctx);
    TraverseDecl(Ctx.getTranslationUnitDecl());
    for (auto &[Canon, Seen] : ByDecl) {
      if (Seen.BlockingAttr && Seen.NonBlockingAttr) {
        error(Seen.NonBlockingAttr->getLocation(),
              "a function cannot be both WEFT_NONBLOCKING and WEFT_BLOCKING");
        note(Seen.BlockingAttr->getLocation(), "declared WEFT_BLOCKING here");
        continue;
      }
      weft::FunctionAnnotations A;
      A.Blocking = Seen.BlockingAttr != nullptr;
      A.NonBlocking = Seen.NonBlockingAttr != nullptr;
      A.StackBound = Seen.StackBound;
      for (const std::string &Name : manglings(Canon))
        Facts->Functions[Name] = A;
    }
    Names.reset();
  }

  /// In C, WEFT_ATOMIC is a one-shot `for`: a `break` or `continue` written
  /// directly in it leaves the section, not the loop around it. Say so.
  bool VisitForStmt(ForStmt *For) {
    if (!CheckSections || !isSectionLoop(For) || !enclosedInLoop(For))
      return true;
    std::vector<const Stmt *> Jumps;
    collectJumps(For->getBody(), Jumps);
    for (const Stmt *J : Jumps) {
      bool Break = isa<BreakStmt>(J);
      warn(J->getBeginLoc(),
           std::string("'") + (Break ? "break" : "continue") +
               "' inside WEFT_ATOMIC leaves the atomic section, not the enclosing loop; "
               "in C a section is a one-shot loop (use goto or a flag to " +
               (Break ? "leave" : "continue") + " the outer loop) [weft-atomic]");
    }
    return true;
  }

  bool VisitDecl(Decl *D) {
    for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
      if (A->isInherited())
        continue;
      StringRef Text = A->getAnnotation();
      if (!Text.starts_with("weft."))
        continue;
      check(D, A, Text);
    }
    return true;
  }

private:
  struct Seen {
    const AnnotateAttr *BlockingAttr = nullptr;
    const AnnotateAttr *NonBlockingAttr = nullptr;
    std::optional<uint64_t> StackBound;
  };

  void check(Decl *D, const AnnotateAttr *A, StringRef Text) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    auto *VD = dyn_cast<VarDecl>(D);
    StringRef Macro = Text == "weft.blocking"      ? "WEFT_BLOCKING"
                      : Text == "weft.nonblocking" ? "WEFT_NONBLOCKING"
                      : Text == "weft.stack_bound" ? "WEFT_STACK_BOUND"
                      : Text == "weft.norace"      ? "WEFT_NORACE"
                                                   : "";
    if (Macro.empty()) {
      error(A->getLocation(), ("unknown weft annotation '" + Text +
                               "'; valid ones are WEFT_BLOCKING, WEFT_NONBLOCKING, "
                               "WEFT_STACK_BOUND(n) and WEFT_NORACE")
                                  .str());
      return;
    }
    if (Text == "weft.norace") {
      if (!VD || !VD->hasGlobalStorage())
        error(A->getLocation(), "WEFT_NORACE applies to variables with static storage "
                                "duration (globals and statics)");
      else
        for (const std::string &Name : manglings(VD))
          Facts->NoRaceVariables[Name] = true;
      return;
    }
    if (!FD) {
      error(A->getLocation(), (Macro + " applies to functions").str());
      return;
    }
    struct Seen &S = ByDecl[FD->getCanonicalDecl()];
    if (Text == "weft.blocking" || Text == "weft.nonblocking") {
      if (A->args_size() != 0) {
        error(A->getLocation(), (Macro + " takes no arguments").str());
        return;
      }
      (Text == "weft.blocking" ? S.BlockingAttr : S.NonBlockingAttr) = A;
      return;
    }
    // WEFT_STACK_BOUND(n)
    if (A->args_size() != 1) {
      error(A->getLocation(), "WEFT_STACK_BOUND takes one argument: a bound in bytes, "
                              "e.g. WEFT_STACK_BOUND(512)");
      return;
    }
    Expr *E = *A->args_begin();
    Expr::EvalResult R;
    if (!E->EvaluateAsInt(R, FD->getASTContext()) || !R.Val.isInt()) {
      error(E->getExprLoc(), "WEFT_STACK_BOUND expects an integer constant number of "
                             "bytes, e.g. WEFT_STACK_BOUND(512)");
      return;
    }
    const llvm::APSInt &V = R.Val.getInt();
    if (V.isSigned() ? V.isNonPositive() : V.isZero()) {
      error(E->getExprLoc(), "WEFT_STACK_BOUND(" + toString(V, 10) +
                                 "): the bound must be a positive number of bytes");
      return;
    }
    if (V.getActiveBits() > 40) {
      error(E->getExprLoc(), "WEFT_STACK_BOUND(" + toString(V, 10) +
                                 "): a bound over 1 TiB is not a bound");
      return;
    }
    S.StackBound = V.getZExtValue();
  }

  std::vector<std::string> manglings(const Decl *D) {
    if (isa<CXXConstructorDecl>(D) || isa<CXXDestructorDecl>(D))
      return Names->getAllManglings(D);
    return {Names->getName(D)};
  }

  static bool isSectionLoop(const ForStmt *For) {
    const auto *DS = dyn_cast_or_null<DeclStmt>(For->getInit());
    if (!DS || !DS->isSingleDecl())
      return false;
    const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
    return VD && VD->getName().starts_with("__weft_guard_");
  }

  bool enclosedInLoop(const Stmt *S) {
    DynTypedNodeList Parents = Ctx->getParents(*S);
    while (!Parents.empty()) {
      const DynTypedNode &P = Parents[0];
      if (P.get<FunctionDecl>() || P.get<LambdaExpr>() || P.get<BlockExpr>())
        return false;
      if (const auto *PS = P.get<Stmt>()) {
        if (isa<WhileStmt, DoStmt, SwitchStmt, CXXForRangeStmt>(PS))
          return true;
        if (const auto *F = dyn_cast<ForStmt>(PS); F && !isSectionLoop(F))
          return true;
      }
      Parents = Ctx->getParents(P);
    }
    return false;
  }

  static void collectJumps(const Stmt *S, std::vector<const Stmt *> &Out) {
    if (!S)
      return;
    if (isa<BreakStmt, ContinueStmt>(S)) {
      Out.push_back(S);
      return;
    }
    // Jumps inside these belong to them.
    if (isa<ForStmt, WhileStmt, DoStmt, SwitchStmt, CXXForRangeStmt, LambdaExpr, BlockExpr>(S))
      return;
    for (const Stmt *Child : S->children())
      collectJumps(Child, Out);
  }

  void warn(SourceLocation Loc, const std::string &Msg) {
    if (std::optional<DiagnosticsEngine::Level> Level = warningLevel(CI.getDiagnostics()))
      emit(CI.getDiagnostics(), Loc, *Level, Msg);
  }
  void error(SourceLocation Loc, const std::string &Msg) {
    emit(CI.getDiagnostics(), Loc, DiagnosticsEngine::Error, Msg);
  }
  void note(SourceLocation Loc, const std::string &Msg) {
    emit(CI.getDiagnostics(), Loc, DiagnosticsEngine::Note, Msg);
  }

  CompilerInstance &CI;
  ASTContext *Ctx = nullptr;
  bool CheckSections;
  std::shared_ptr<weft::AnnotationFacts> Facts;
  std::unique_ptr<ASTNameGenerator> Names;
  std::map<const FunctionDecl *, struct Seen> ByDecl;
};

/// An object whose checkpoint constants CheckpointsPass left to it
/// (passes/ObjectNeeds.h), by the compiler instance that writes it.
struct ObjectToPatch {
  std::shared_ptr<weft::DeferredNeeds> Needs;
  std::string OutputFile;
  bool KeepStackSizes = false;
};

std::map<const CompilerInstance *, ObjectToPatch> &objectsToPatch() {
  static std::map<const CompilerInstance *, ObjectToPatch> Objects;
  return Objects;
}

/// Whether Clang will write this unit's code as an ELF x86-64 object into a
/// named file, which weft can patch once the backend has written it.
bool writesPatchableObject(const CompilerInstance &CI) {
  const FrontendOptions &FO = CI.getFrontendOpts();
  const CodeGenOptions &CG = CI.getCodeGenOpts();
  const llvm::Triple &T = CI.getTarget().getTriple();
  return FO.ProgramAction == frontend::EmitObj && !CG.PrepareForLTO && !CG.PrepareForThinLTO &&
         !FO.OutputFile.empty() && FO.OutputFile != "-" && T.getArch() == llvm::Triple::x86_64 &&
         T.isOSBinFormatELF();
}

/// An object written to a device (-o /dev/null) is thrown away: there is
/// nothing to patch, and nothing to measure either.
bool discardsObject(const CompilerInstance &CI) {
  StringRef Out = CI.getFrontendOpts().OutputFile;
  return llvm::sys::fs::exists(Out) && !llvm::sys::fs::is_regular_file(Out);
}

/// Where the object Clang is writing can be read and written now: Clang
/// writes into a temporary next to the output (`<stem>-XXXXXXXX<ext>.tmp`),
/// still open, and renames it once the unit is done; or, when it does not
/// use one, into the output itself.
std::optional<std::string> objectBeingWritten(StringRef OutputFile) {
  llvm::SmallString<256> Out(OutputFile);
  if (llvm::sys::fs::make_absolute(Out))
    return std::nullopt;
  llvm::SmallString<256> Dir;
  if (llvm::sys::fs::real_path(llvm::sys::path::parent_path(Out), Dir))
    return std::nullopt;
  StringRef Ext = llvm::sys::path::extension(Out);
  std::string Stem = llvm::sys::path::stem(Out).str() + "-";
  std::string Tail = Ext.str() + ".tmp";
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It("/proc/self/fd", EC), End; It != End && !EC;
       It.increment(EC)) {
    llvm::SmallString<256> Target;
    if (llvm::sys::fs::real_path(It->path(), Target))
      continue;
    StringRef Name = llvm::sys::path::filename(Target);
    if (llvm::sys::path::parent_path(Target) == Dir && Name.size() == Stem.size() + 8 + Tail.size() &&
        Name.starts_with(Stem) && Name.ends_with(Tail))
      return It->path();
  }
  if (llvm::sys::fs::is_regular_file(Out))
    return std::string(Out);
  return std::nullopt;
}

/// Runs after Clang's own consumer, which has generated the code by then:
/// fills the checkpoint constants into the object (passes/ObjectNeeds.h).
class PatchObjectConsumer : public ASTConsumer {
public:
  explicit PatchObjectConsumer(CompilerInstance &CI) : CI(CI) {}

  void HandleTranslationUnit(ASTContext &) override {
    auto It = objectsToPatch().find(&CI);
    if (It == objectsToPatch().end())
      return;
    ObjectToPatch Object = std::move(It->second);
    objectsToPatch().erase(It);
    DiagnosticsEngine &D = CI.getDiagnostics();
    if (!Object.Needs->pending() || D.hasErrorOccurred() || discardsObject(CI))
      return;
    std::string Err = patch(Object);
    if (!Err.empty())
      emit(D, SourceLocation(), DiagnosticsEngine::Error,
           "weft: cannot fill the linked-stack checks' constants into '" + Object.OutputFile +
               "': " + Err);
  }

private:
  static std::string patch(const ObjectToPatch &Object) {
    std::optional<std::string> Path = objectBeingWritten(Object.OutputFile);
    if (!Path)
      return "the object being written is not found";
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Read =
        llvm::MemoryBuffer::getFile(*Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!Read)
      return Read.getError().message();
    std::vector<char> Bytes((*Read)->getBufferStart(), (*Read)->getBufferEnd());
    std::string Err;
    if (!weft::patchObjectNeeds(Bytes, *Object.Needs, Object.KeepStackSizes, Err))
      return Err;
    std::error_code EC;
    llvm::raw_fd_ostream Out(*Path, EC, llvm::sys::fs::OF_None);
    if (EC)
      return EC.message();
    Out.write(Bytes.data(), Bytes.size());
    Out.close();
    return Out.has_error() ? Out.error().message() : std::string();
  }

  CompilerInstance &CI;
};

class PatchObjectAction : public PluginASTAction {
protected:
  bool ParseArgs(const CompilerInstance &, const std::vector<std::string> &) override {
    return true;
  }
  ActionType getActionType() override { return AddAfterMainAction; }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, StringRef) override {
    return std::make_unique<PatchObjectConsumer>(CI);
  }
};

class WeftAction : public PluginASTAction {
protected:
  bool ParseArgs(const CompilerInstance &CI, const std::vector<std::string> &Args) override {
    DiagnosticsEngine &D = CI.getDiagnostics();
    for (const std::string &Arg : Args) {
      std::string Error;
      if (!Opts.parse(Arg, Error)) {
        D.Report(D.getCustomDiagID(DiagnosticsEngine::Error, "%0")) << Error;
        return false;
      }
    }
    if (Opts.Help) {
      llvm::outs() << weft::Options::helpText();
      llvm::outs().flush();
      std::exit(0);
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, StringRef) override {
    CodeGenOptions &CG = CI.getCodeGenOpts();
    // Like -Rpass: keep !dbg locations in the IR without emitting debug info.
    // Once the checks have run, drop the locations again so the rest of the
    // pipeline pays nothing for them.
    bool OwnLocations = CG.getDebugInfo() == llvm::codegenoptions::NoDebugInfo;
    if (OwnLocations)
      CG.setDebugInfo(llvm::codegenoptions::LocTrackingOnly);
    // Bitcode for a link-time optimiser gets no checks: their constants
    // must describe the code finally generated, after inlining across
    // units, which this compiler never sees.
    if (CG.PrepareForLTO || CG.PrepareForThinLTO)
      Opts.LinkedStacks = false;
    // Type tests before virtual calls and type ids on vtables tell the
    // blocking graph which overriders a virtual call may reach
    // (passes/VirtualCalls.h). Asked for here, removed again once the
    // checks have run; left alone when the user asked for them (CFI,
    // whole-program devirtualization) or the output is bitcode for LTO.
    bool OwnTypeTests = CI.getLangOpts().CPlusPlus && !CG.WholeProgramVTables && !CG.LTOUnit &&
                        !CG.PrepareForLTO && !CG.PrepareForThinLTO;
    if (OwnTypeTests)
      CG.WholeProgramVTables = CG.LTOUnit = true;
    auto Facts = std::make_shared<weft::AnnotationFacts>();
    weft::PipelineSetup Setup =
        weft::PipelineSetup::forHost(weft::PipelineHost::ClangFrontend, Opts);
    Setup.Sink = std::make_shared<ClangDiagnosticSink>(CI);
    Setup.Facts = Facts;
    Setup.StripLocations = OwnLocations;
    Setup.StripTypeTests = OwnTypeTests;
    // How the backend will run, so that stack frames can be measured on a
    // clone with the same settings (passes/CodegenFrames.h).
    if (Opts.FramesFromCodegen) {
      weft::CodegenConfig Config;
      Config.CPU = CI.getTargetOpts().CPU;
      Config.Features = llvm::join(CI.getTargetOpts().Features, ",");
      Config.OptLevel = CG.OptimizationLevel;
      Setup.Codegen = std::make_shared<const weft::CodegenConfig>(std::move(Config));
    }
    // With linked stacks, the constants of the checks come from the object
    // the backend writes, when Clang writes one (passes/ObjectNeeds.h).
    if (Opts.LinkedStacks && Opts.Stack && Opts.FramesFromCodegen && writesPatchableObject(CI)) {
      Setup.Deferred = std::make_shared<weft::DeferredNeeds>();
      objectsToPatch()[&CI] = {Setup.Deferred, CI.getFrontendOpts().OutputFile,
                               CG.StackSizeSection != 0};
      CG.StackSizeSection = true;
    }
    CG.PassBuilderCallbacks.push_back(
        [Setup](llvm::PassBuilder &PB) { weft::registerWeftPipeline(PB, Setup); });
    auto Collector = std::make_unique<AnnotationCollector>(CI, Facts, Opts.Atomic);
    if (!Opts.LiveState && Opts.ReportDir.empty())
      return Collector;
    std::vector<std::unique_ptr<ASTConsumer>> Both;
    Both.push_back(std::move(Collector));
    Both.push_back(weft::createLocalScopesConsumer(CI)); // names the live state's objects
    return std::make_unique<MultiplexConsumer>(std::move(Both));
  }

private:
  weft::Options Opts;
};

} // namespace

static FrontendPluginRegistry::Add<WeftAction>
    X("weft", "weft: blocking graph, atomic sections, stack bounds");
// Registered after "weft", so Clang makes its consumer after weft's. Its
// name has a dot so that no -fplugin-arg-weft-* option is meant for it.
static FrontendPluginRegistry::Add<PatchObjectAction>
    Y("weft.object", "weft: fills the linked-stack checks' constants into the object");
