//===- WeftCheckTool.cpp - weft-check: weft's checks over a whole project -===//
//
//   weft-check -p <build dir> [files...] [-j N] [--sarif=<file>]
//              [--report=<dir>] [--graph=<dir>]
//
// Reads <build dir>/compile_commands.json and analyses every translation
// unit (or the ones named) with weft's frontend action and passes, linked
// into this program, in two phases:
//
//   1. every unit, in parallel (-j, default one per core): its summary
//      (passes/Summary.h) is collected in memory and its diagnostics kept;
//   2. the summaries are joined into the whole program
//      (passes/WholeProgram.h), and every unit whose findings depend on
//      other units (it has atomic sections or WEFT_NONBLOCKING functions),
//      or all of them with --report or --graph, is analysed again against
//      it; its new diagnostics replace the first ones.
//
// Diagnostics are printed in Clang's format, one unit after the other in
// the order of the files, with chains that cross files. Only weft's
// findings and errors are shown: the compiler's own warnings are the
// build's business. Exit status: 0 without errors, 1 with errors (weft's
// or a unit that does not compile), 2 when the project cannot be read.
//
// Each unit is analysed at -O0 (weft's checks run before optimisation, so
// findings are the same at every level) without generating code.
//
//===----------------------------------------------------------------------===//
#include "CheckOutput.h"
#include "Options.h"
#include "Summary.h"
#include "WholeProgram.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/CodeGen/CodeGenAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <mutex>
#include <set>

using namespace clang;
using namespace clang::tooling;
using namespace llvm;

namespace {

cl::OptionCategory Category("weft-check options");
cl::opt<std::string> BuildDir("p", cl::desc("the build directory: where compile_commands.json is"),
                              cl::value_desc("build dir"), cl::cat(Category));
cl::list<std::string> Files(cl::Positional, cl::desc("[files...]"), cl::cat(Category));
cl::opt<unsigned> Jobs("j", cl::desc("units analysed at once (default: one per core)"),
                       cl::init(0), cl::cat(Category));
cl::opt<std::string> SarifFile("sarif", cl::desc("write the findings as SARIF 2.1.0 to <file>"),
                               cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> HtmlFile("html",
                              cl::desc("write one self-contained page: the findings with their "
                                       "source, the blocking graph, every function's answer "
                                       "and stack bounds"),
                              cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> ReportDir("report",
                               cl::desc("write each unit's JSON report into <dir> (see the "
                                        "plugin's report=), with answers across units"),
                               cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> GraphDir("graph", cl::desc("write each unit's Graphviz graphs into <dir>"),
                              cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> Progress("progress",
                       cl::desc("show a progress line (default: when stderr is a terminal)"),
                       cl::init(false), cl::cat(Category));
cl::opt<bool> NoProgress("no-progress", cl::desc("never show a progress line"), cl::init(false),
                         cl::cat(Category));
cl::opt<unsigned> RaceLimit("race-limit",
                            cl::desc("races across units shown per pair of thread entries "
                                     "(default 5; 0: all)"),
                            cl::value_desc("n"), cl::init(5), cl::cat(Category));
cl::opt<bool> Stats("blocking-stats",
                    cl::desc("print what the whole program adds: how many functions may block "
                             "or are unknown, unit by unit and across units"),
                    cl::init(false), cl::cat(Category));

/// What one unit's analysis left.
struct UnitResult {
  std::string File;    // as the compile database names it, absolute
  std::string Printed; // its diagnostics, in Clang's format
  std::vector<weft::Finding> Findings;
  unsigned Errors = 0, Warnings = 0;
  bool Failed = false; // it does not compile, or the tool could not run it
  bool DependsOnProgram = false;
};

bool isWeftMessage(StringRef Msg) {
  return Msg.contains("[weft-") || Msg.starts_with("weft:") || Msg.starts_with("weft ");
}

/// Keeps the errors and weft's diagnostics (with their notes), prints them
/// in Clang's format into the unit's text, and records them for SARIF.
class Collector : public DiagnosticConsumer {
public:
  Collector(UnitResult &R, bool Colors)
      : R(R), OS(R.Printed), Opts(new DiagnosticOptions()), Printer(OS, Opts.get()) {
    Opts->ShowColors = Colors;
  }

  void BeginSourceFile(const LangOptions &LO, const Preprocessor *PP) override {
    Printer.BeginSourceFile(LO, PP);
  }
  void EndSourceFile() override { Printer.EndSourceFile(); }

  void HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) override {
    SmallString<256> Msg;
    Info.FormatDiagnostic(Msg);
    if (Level == DiagnosticsEngine::Note) {
      if (!KeepNotes)
        return;
    } else {
      KeepNotes = Level >= DiagnosticsEngine::Error || isWeftMessage(Msg);
      if (!KeepNotes)
        return;
    }
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    Printer.HandleDiagnostic(Level, Info);
    weft::Finding F;
    F.Level = Level >= DiagnosticsEngine::Error   ? weft::Severity::Error
              : Level == DiagnosticsEngine::Warning ? weft::Severity::Warning
              : Level == DiagnosticsEngine::Note    ? weft::Severity::Note
                                                    : weft::Severity::Remark;
    F.Message = std::string(Msg);
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P = Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid()) {
        SmallString<256> Abs(P.getFilename());
        Info.getSourceManager().getFileManager().makeAbsolutePath(Abs);
        F.File = std::string(Abs);
        F.Line = P.getLine();
        F.Column = P.getColumn();
      }
    }
    if (Level == DiagnosticsEngine::Note && !R.Findings.empty())
      R.Findings.back().Notes.push_back(std::move(F));
    else if (Level != DiagnosticsEngine::Note)
      R.Findings.push_back(std::move(F));
    if (Level >= DiagnosticsEngine::Error) {
      ++R.Errors;
      R.Failed |= !isWeftMessage(Msg);
    }
    else if (Level == DiagnosticsEngine::Warning)
      ++R.Warnings;
  }

private:
  UnitResult &R;
  raw_string_ostream OS;
  IntrusiveRefCntPtr<DiagnosticOptions> Opts;
  TextDiagnosticPrinter Printer;
  bool KeepNotes = false;
};

/// The unit being analysed on this thread, for the links below.
thread_local UnitResult *CurrentUnit = nullptr;

/// Phase 1: keeps every unit's summary; checks each unit alone.
class CollectLink : public weft::ProgramLink {
public:
  std::shared_ptr<const weft::WholeProgram> join(weft::UnitSummary Own,
                                                 weft::DiagnosticSink &) override {
    bool Depends = !Own.Sections.empty();
    for (const weft::FunctionSummary &F : Own.Functions)
      Depends |= F.Defined && F.AnnotatedNonBlocking;
    std::lock_guard<std::mutex> G(Lock);
    if (CurrentUnit)
      CurrentUnit->DependsOnProgram |= Depends;
    Units.push_back(std::move(Own));
    return nullptr;
  }
  std::vector<weft::UnitSummary> take() {
    std::lock_guard<std::mutex> G(Lock);
    return std::move(Units);
  }

private:
  std::mutex Lock;
  std::vector<weft::UnitSummary> Units;
};

/// Phase 2: every unit is checked against the joined program.
class ProgramLinkFixed : public weft::ProgramLink {
public:
  explicit ProgramLinkFixed(std::shared_ptr<const weft::WholeProgram> P) : P(std::move(P)) {}
  std::shared_ptr<const weft::WholeProgram> join(weft::UnitSummary,
                                                 weft::DiagnosticSink &) override {
    return P;
  }

private:
  std::shared_ptr<const weft::WholeProgram> P;
};

/// A compile database as weft-check uses it: for each file, the first
/// command that compiles it. Databases recorded from real builds (bear,
/// compiler wrappers) also hold `clang -cc1` jobs and preprocessor-only runs
/// (`-M`, `-MM`, `-E`: dependency generation); analysing those would fail or
/// count a unit twice.
class FirstCompileCommand : public CompilationDatabase {
public:
  explicit FirstCompileCommand(std::unique_ptr<CompilationDatabase> Base)
      : Base(std::move(Base)) {}

  static bool compiles(const CompileCommand &C) {
    if (C.CommandLine.size() < 2 || C.CommandLine[1] == "-cc1")
      return false;
    for (const std::string &A : C.CommandLine)
      if (A == "-E" || A == "-M" || A == "-MM" || A == "-fsyntax-only")
        return false;
    return true;
  }

  std::vector<CompileCommand> getCompileCommands(StringRef File) const override {
    for (CompileCommand &C : Base->getCompileCommands(File))
      if (compiles(C))
        return {std::move(C)};
    return {};
  }
  std::vector<std::string> getAllFiles() const override {
    std::vector<std::string> Files;
    for (const std::string &F : Base->getAllFiles())
      if (!getCompileCommands(F).empty())
        Files.push_back(F);
    return Files;
  }
  std::vector<CompileCommand> getAllCompileCommands() const override {
    std::vector<CompileCommand> All;
    for (const std::string &F : getAllFiles())
      for (CompileCommand &C : getCompileCommands(F))
        All.push_back(std::move(C));
    return All;
  }

private:
  std::unique_ptr<CompilationDatabase> Base;
};

/// Removes what would load a second copy of weft (the project may be built
/// with the plugin) and its options; weft-check passes its own.
ArgumentsAdjuster stripWeftPlugin() {
  return [](const CommandLineArguments &Args, StringRef) {
    CommandLineArguments Out;
    for (size_t I = 0; I < Args.size(); ++I) {
      StringRef A = Args[I];
      if ((A.starts_with("-fplugin=") || A.starts_with("-fpass-plugin=")) && A.contains("Weft"))
        continue;
      if (A.starts_with("-fplugin-arg-weft-"))
        continue;
      if (A == "-Xclang" && I + 1 < Args.size() &&
          StringRef(Args[I + 1]).starts_with("-plugin-arg-weft")) {
        I += 3; // -Xclang -plugin-arg-weft -Xclang <arg>
        continue;
      }
      Out.push_back(Args[I]);
    }
    return Out;
  };
}

std::string absolutePath(StringRef Dir, StringRef File) {
  SmallString<256> P(File);
  if (!sys::path::is_absolute(P)) {
    P = Dir;
    sys::path::append(P, File);
  }
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

/// Analyses one file with weft's action, its diagnostics into `R`.
void analyse(const CompilationDatabase &DB, const std::string &File,
             const std::vector<std::string> &WeftArgs, bool Colors, UnitResult &R) {
  R.Printed.clear();
  R.Findings.clear();
  R.Errors = R.Warnings = 0;
  R.Failed = false;
  // A file system of its own per unit: the shared real one changes the
  // process's working directory for each command, and units run on
  // several threads at once.
  ClangTool Tool(DB, {File}, std::make_shared<PCHContainerOperations>(),
                 vfs::createPhysicalFileSystem());
  Tool.clearArgumentsAdjusters();
  Tool.appendArgumentsAdjuster(getClangStripOutputAdjuster());
  Tool.appendArgumentsAdjuster(getClangStripDependencyFileAdjuster());
  Tool.appendArgumentsAdjuster(stripWeftPlugin());
  // -fno-caret-diagnostics: no "N errors generated." lines from each unit
  // (weft-check prints its own totals); the printer above keeps its carets.
  // -ferror-limit=0: a project built with -Werror turns every finding into
  // an error, and Clang's limit of 20 would stop the unit as if it did not
  // compile.
  // No linked stacks: weft-check emits no code, and their constants would
  // be measured on a clone for nothing.
  std::vector<std::string> Extra = {"-O0", "-fno-caret-diagnostics", "-ferror-limit=0",
                                    "-resource-dir=" WEFT_CLANG_RESOURCE_DIR, "-Xclang",
                                    "-plugin-arg-weft", "-Xclang", "no-linked-stacks"};
  for (const std::string &A : WeftArgs) {
    Extra.push_back("-Xclang");
    Extra.push_back("-plugin-arg-weft");
    Extra.push_back("-Xclang");
    Extra.push_back(A);
  }
  Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(Extra, ArgumentInsertPosition::END));
  Collector C(R, Colors);
  Tool.setDiagnosticConsumer(&C);
  Tool.setPrintErrorMessage(false);
  CurrentUnit = &R;
  int Status = Tool.run(newFrontendActionFactory<EmitLLVMOnlyAction>().get());
  CurrentUnit = nullptr;
  if (Status != 0) {
    if (R.Errors == 0) {
      R.Failed = true;
      // The tool failed before any diagnostic (a file that is gone, ...).
      R.Printed += "error: weft-check: '" + File + "' could not be analysed\n";
      R.Findings.push_back(
          {weft::Severity::Error, "weft-check: could not be analysed", File, 0, 0, {}});
      ++R.Errors;
    }
  }
}

/// Runs `analyse` for the units `Which` on `Threads` threads, with a
/// progress line when asked.
void runAll(const CompilationDatabase &DB, std::vector<UnitResult> &Results,
            const std::vector<size_t> &Which, const std::vector<std::string> &WeftArgs,
            unsigned Threads, bool Colors, bool ShowProgress, StringRef Phase) {
  std::atomic<size_t> Done{0};
  std::mutex ProgressLock;
  DefaultThreadPool Pool(hardware_concurrency(Threads));
  for (size_t I : Which)
    Pool.async([&, I] {
      analyse(DB, Results[I].File, WeftArgs, Colors, Results[I]);
      size_t N = ++Done;
      if (ShowProgress) {
        std::lock_guard<std::mutex> G(ProgressLock);
        errs() << "\r\x1b[K[" << Phase << " " << N << "/" << Which.size() << "] "
               << sys::path::filename(Results[I].File);
        errs().flush();
      }
    });
  Pool.wait();
  if (ShowProgress)
    errs() << "\r\x1b[K";
}

/// Defined functions that may block and that are unknown.
std::pair<unsigned, unsigned> countStates(const weft::WholeProgram &P) {
  unsigned Blocks = 0, Unknown = 0;
  for (const auto &F : P.functions()) {
    if (!F->Summary->Defined)
      continue;
    Blocks += F->State == weft::Blocking::Blocks;
    Unknown += F->State == weft::Blocking::Unknown;
  }
  return {Blocks, Unknown};
}

/// --stats: the answers of every unit alone, then of the whole program.
void printStats(const weft::WholeProgram &P) {
  unsigned Defined = 0, AloneBlocks = 0, AloneUnknown = 0;
  for (const weft::UnitSummary &U : P.units()) {
    for (const weft::FunctionSummary &F : U.Functions)
      Defined += F.Defined;
    weft::WholeProgram Alone({U});
    auto [B, Unk] = countStates(Alone);
    AloneBlocks += B;
    AloneUnknown += Unk;
  }
  auto [Blocks, Unknown] = countStates(P);
  outs() << "weft-check: " << Defined << " functions defined in " << P.units().size()
         << " units\n"
         << "  each unit alone: " << AloneBlocks << " may block, " << AloneUnknown
         << " unknown\n"
         << "  whole program:   " << Blocks << " may block, " << Unknown << " unknown\n";
}

[[noreturn]] void fatal(const Twine &Msg) {
  WithColor::error(errs(), "weft-check") << Msg << "\n";
  std::exit(2);
}

} // namespace

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << "weft-check " WEFT_VERSION "\n"; });
  cl::ParseCommandLineOptions(
      argc, argv,
      "weft-check: weft's checks over a whole project, across translation units\n\n"
      "  weft-check -p <build dir> [files...]\n\n"
      "Reads <build dir>/compile_commands.json (CMake: -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)\n"
      "and prints weft's findings for the whole program. Exit status: 0 no errors,\n"
      "1 errors found, 2 the project could not be read.\n");
  if (BuildDir.empty())
    fatal("no build directory: use -p <build dir> (the directory of compile_commands.json)");
  SmallString<256> Cwd;
  sys::fs::current_path(Cwd);
  std::string Err;
  SmallString<256> DBFile(absolutePath(Cwd, BuildDir));
  sys::path::append(DBFile, "compile_commands.json");
  std::unique_ptr<CompilationDatabase> Loaded =
      JSONCompilationDatabase::loadFromFile(DBFile, Err, JSONCommandLineSyntax::AutoDetect);
  if (!Loaded)
    fatal("cannot read the compile database in '" + BuildDir + "': " + Err);
  auto DB = std::make_unique<FirstCompileCommand>(std::move(Loaded));

  // The units, in a stable order: the files named, else the database's.
  std::vector<UnitResult> Results;
  std::vector<std::string> Wanted;
  if (Files.empty()) {
    Wanted = DB->getAllFiles();
    std::sort(Wanted.begin(), Wanted.end());
  } else {
    for (const std::string &F : Files)
      Wanted.push_back(absolutePath(Cwd, F));
  }
  if (Wanted.empty())
    fatal("the compile database in '" + BuildDir + "' lists no files");
  unsigned Missing = 0;
  for (const std::string &F : Wanted) {
    if (DB->getCompileCommands(F).empty()) {
      WithColor::error(errs(), "weft-check") << "'" << F << "' is not in the compile database\n";
      ++Missing;
      continue;
    }
    UnitResult R;
    R.File = F;
    Results.push_back(std::move(R));
  }

  bool Colors = sys::Process::StandardErrHasColors();
  bool ShowProgress = !NoProgress && (Progress || sys::Process::StandardErrIsDisplayed());
  unsigned Threads = Jobs ? static_cast<unsigned>(Jobs) : 0;
  std::vector<std::string> WeftArgs = {"frames=ir",
                                       "race-limit=" + std::to_string(RaceLimit)};

  // Phase 1: every unit alone, its summary collected.
  auto Collect = std::make_shared<CollectLink>();
  weft::setHostProgramLink(Collect);
  std::vector<size_t> All(Results.size());
  for (size_t I = 0; I < All.size(); ++I)
    All[I] = I;
  runAll(*DB, Results, All, WeftArgs, Threads, Colors, ShowProgress, "summaries");

  // Phase 2: the units whose findings depend on the others.
  auto Program = std::make_shared<const weft::WholeProgram>(Collect->take());
  weft::setHostProgramLink(std::make_shared<ProgramLinkFixed>(Program));
  if (!ReportDir.empty())
    WeftArgs.push_back("report=" + absolutePath(Cwd, ReportDir));
  if (!GraphDir.empty())
    WeftArgs.push_back("graph=" + absolutePath(Cwd, GraphDir));
  // Units where a race with another unit's code is reported (at its write).
  std::set<std::string> RaceUnits;
  for (const weft::ProgramRace &R : Program->races())
    RaceUnits.insert(absolutePath("/", Program->unitName(*R.AtFunction)));
  std::vector<size_t> Again;
  for (size_t I = 0; I < Results.size(); ++I)
    if (!Results[I].Failed &&
        (Results[I].DependsOnProgram || RaceUnits.count(Results[I].File) ||
         !ReportDir.empty() || !GraphDir.empty()))
      Again.push_back(I);
  runAll(*DB, Results, Again, WeftArgs, Threads, Colors, ShowProgress, "whole program");
  weft::setHostProgramLink(nullptr);

  unsigned Errors = Missing, Warnings = 0, Failed = 0;
  for (const UnitResult &R : Results) {
    errs() << R.Printed;
    Errors += R.Errors;
    Warnings += R.Warnings;
    Failed += R.Failed;
  }
  if (Stats)
    printStats(*Program);
  std::vector<weft::Finding> Findings;
  for (const UnitResult &R : Results)
    Findings.insert(Findings.end(), R.Findings.begin(), R.Findings.end());
  auto Output = [&](const std::string &E) {
    if (!E.empty()) {
      WithColor::error(errs(), "weft-check") << E << "\n";
      ++Errors;
    }
  };
  if (!SarifFile.empty())
    Output(weft::writeSarif(SarifFile, Findings, WEFT_VERSION));
  if (!HtmlFile.empty())
    Output(weft::writeHtml(HtmlFile, Findings, *Program, absolutePath(Cwd, BuildDir)));
  errs() << "weft-check: " << Results.size() << (Results.size() == 1 ? " unit" : " units")
         << " (" << Program->functions().size() << " functions, " << Again.size()
         << " checked against the whole program), " << Errors
         << (Errors == 1 ? " error, " : " errors, ") << Warnings
         << (Warnings == 1 ? " warning" : " warnings");
  if (Failed)
    errs() << "; " << Failed << (Failed == 1 ? " unit does" : " units do") << " not compile";
  errs() << "\n";
  return Errors ? 1 : 0;
}
