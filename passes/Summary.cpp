//===- Summary.cpp --------------------------------------------------------===//
#include "Summary.h"

#include "Annotations.h"
#include "AtomicSections.h"
#include "BlockingCalls.h"
#include "BlockingGraph.h"
#include "Calls.h"
#include "Report.h"
#include "Locations.h"
#include "StackBounds.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

#define DEBUG_TYPE "weft-summary"
ALWAYS_ENABLED_STATISTIC(NumSummarizedFunctions, "Functions written into a unit's summary");
ALWAYS_ENABLED_STATISTIC(NumSummariesRead, "Summaries of other units read from db=<dir>");

namespace weft {

const char *toString(DeclClass C) {
  switch (C) {
  case DeclClass::Unlisted:
    return "unlisted";
  case DeclClass::Blocking:
    return "blocking";
  case DeclClass::NonBlocking:
    return "nonblocking";
  }
  return "?";
}

std::string unitOf(const Module &M) {
  for (const DICompileUnit *CU : M.debug_compile_units()) {
    const DIFile *F = CU->getFile();
    if (!F || F->getFilename().empty())
      continue;
    if (sys::path::is_absolute(F->getFilename()))
      return F->getFilename().str();
    SmallString<256> P(F->getDirectory());
    sys::path::append(P, F->getFilename());
    return std::string(P);
  }
  SmallString<256> P(M.getSourceFileName());
  sys::fs::make_absolute(P);
  return std::string(P);
}

std::string signatureOf(const FunctionType *T) {
  std::string S;
  raw_string_ostream OS(S);
  T->print(OS);
  return S;
}

namespace {

bool addressTaken(const Function &F) {
  return F.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                           /*IgnoreAssumeLikeCalls=*/true, /*IgnoreLLVMUsed=*/true);
}

CallSummary callOf(const CallBase &CB) {
  CallSummary C;
  if (const Function *F = directCallee(CB))
    C.Callee = F->getName().str();
  else
    C.Signature = signatureOf(CB.getFunctionType());
  C.Loc = userLocationOf(CB);
  return C;
}

/// The global a load or store reaches directly, if any: one that can
/// change (not constant) and is shared (not thread-local).
const GlobalVariable *sharedGlobal(const Value *Ptr) {
  const auto *GV = dyn_cast<GlobalVariable>(getUnderlyingObject(Ptr));
  if (!GV || GV->isConstant() || GV->isThreadLocal())
    return nullptr;
  return GV;
}

/// Sorted, without duplicates.
std::vector<std::string> sorted(const StringSet<> &S) {
  std::vector<std::string> V;
  for (const auto &E : S)
    V.push_back(E.getKey().str());
  std::sort(V.begin(), V.end());
  return V;
}

FunctionSummary summarizeFunction(const Function &F) {
  FunctionSummary S;
  S.Symbol = F.getName().str();
  S.Local = F.hasLocalLinkage();
  S.Defined = !F.isDeclaration();
  FunctionAnnotations A = annotationsOf(F);
  S.AnnotatedBlocking = A.Blocking;
  S.AnnotatedNonBlocking = A.NonBlocking;
  S.AddressTaken = addressTaken(F);
  S.NoReturn = F.doesNotReturn();
  S.Signature = signatureOf(F.getFunctionType());
  S.Loc = locationOf(F);
  if (!S.Defined) {
    S.Memory = toString(memoryOf(F));
    S.StackBound = externalBound(F);
    switch (classifyLibcCall(F.getName())) {
    case LibcClass::Blocking:
      S.Class = DeclClass::Blocking;
      break;
    case LibcClass::NonBlocking:
      S.Class = DeclClass::NonBlocking;
      break;
    case LibcClass::Unlisted:
      S.Class = DeclClass::Unlisted;
      break;
    }
    return S;
  }
  S.FrameBytes = frameBound(F);
  LocationSet Own;
  std::vector<const CallBase *> Opaque; // in Calls; the program resolves them
  ownLocations(F, Own, Opaque);
  S.Locations.assign(Own.Names.begin(), Own.Names.end());
  if (Own.Unbounded)
    S.Unbounded = Own.Why;
  StringSet<> Reads, Writes, Spawns;
  for (const Instruction &I : instructions(F)) {
    if (const auto *L = dyn_cast<LoadInst>(&I)) {
      if (const GlobalVariable *GV = sharedGlobal(L->getPointerOperand()))
        Reads.insert(GV->getName());
    } else if (const auto *St = dyn_cast<StoreInst>(&I)) {
      if (const GlobalVariable *GV = sharedGlobal(St->getPointerOperand()))
        Writes.insert(GV->getName());
    } else if (const auto *RMW = dyn_cast<AtomicRMWInst>(&I)) {
      if (const GlobalVariable *GV = sharedGlobal(RMW->getPointerOperand()))
        Reads.insert(GV->getName()), Writes.insert(GV->getName());
    } else if (const auto *CX = dyn_cast<AtomicCmpXchgInst>(&I)) {
      if (const GlobalVariable *GV = sharedGlobal(CX->getPointerOperand()))
        Reads.insert(GV->getName()), Writes.insert(GV->getName());
    } else if (const auto *CB = dyn_cast<CallBase>(&I)) {
      if (isIgnoredCall(*CB))
        continue;
      S.Calls.push_back(callOf(*CB));
      if (const Function *Entry = startRoutineOf(*CB))
        Spawns.insert(Entry->getName());
    }
  }
  S.Reads = sorted(Reads);
  S.Writes = sorted(Writes);
  S.Spawns = sorted(Spawns);
  return S;
}

json::Value locJSON(const SourceLoc &L) {
  return json::Object{{"file", L.File}, {"line", L.Line}, {"column", L.Column}};
}

json::Array strings(const std::vector<std::string> &V) {
  json::Array A;
  for (const std::string &S : V)
    A.push_back(S);
  return A;
}

json::Array indexes(const std::vector<unsigned> &V) {
  json::Array A;
  for (unsigned I : V)
    A.push_back(static_cast<int64_t>(I));
  return A;
}

json::Value callJSON(const CallSummary &C) {
  json::Object O{{"at", locJSON(C.Loc)}};
  if (C.indirect())
    O["indirect"] = C.Signature;
  else
    O["callee"] = C.Callee;
  if (!C.Locks.empty())
    O["locks"] = strings(C.Locks);
  if (llvm::any_of(C.ArgLocks, [](const std::string &L) { return !L.empty(); }))
    O["arg_locks"] = strings(C.ArgLocks);
  if (C.Alone)
    O["alone"] = true;
  if (C.NoReturn)
    O["noreturn"] = true;
  if (!C.Joins.empty())
    O["joins"] = C.Joins;
  if (!C.After.empty())
    O["after"] = indexes(C.After);
  return O;
}

json::Value accessJSON(const AccessSummary &A) {
  json::Object O{{"object", A.Object}, {"at", locJSON(A.Loc)}};
  if (A.Write)
    O["write"] = true;
  if (A.Known) {
    O["offset"] = A.Offset;
    O["size"] = A.Size;
  }
  if (A.Atomic)
    O["atomic"] = true;
  if (A.InSection)
    O["section"] = true;
  if (A.Alone)
    O["alone"] = true;
  if (!A.Locks.empty())
    O["locks"] = strings(A.Locks);
  if (!A.After.empty())
    O["after"] = indexes(A.After);
  return O;
}

/// A small reader that remembers the first thing that was wrong.
struct Reader {
  std::string &Error;
  std::string Path = "summary";

  bool fail(const std::string &Where, const std::string &What) {
    if (Error.empty())
      Error = Where + ": " + What;
    return false;
  }
  bool str(const json::Object &O, StringRef Key, std::string &Out, const std::string &Where,
           bool Optional = false) {
    const json::Value *V = O.get(Key);
    if (!V)
      return Optional || fail(Where, "missing \"" + Key.str() + "\"");
    std::optional<StringRef> S = V->getAsString();
    if (!S)
      return fail(Where, "\"" + Key.str() + "\" is not a string");
    Out = S->str();
    return true;
  }
  bool flag(const json::Object &O, StringRef Key, bool &Out, const std::string &Where) {
    const json::Value *V = O.get(Key);
    if (!V)
      return true; // absent: false
    std::optional<bool> B = V->getAsBoolean();
    if (!B)
      return fail(Where, "\"" + Key.str() + "\" is not a boolean");
    Out = *B;
    return true;
  }
  bool loc(const json::Object &O, StringRef Key, SourceLoc &L, const std::string &Where) {
    const json::Object *At = O.getObject(Key);
    if (!At)
      return fail(Where, "missing \"" + Key.str() + "\"");
    std::optional<int64_t> Line = At->getInteger("line"), Col = At->getInteger("column");
    if (!Line || !Col || *Line < 0 || *Col < 0)
      return fail(Where, "a location needs a line and a column");
    L.Line = static_cast<unsigned>(*Line);
    L.Column = static_cast<unsigned>(*Col);
    return str(*At, "file", L.File, Where);
  }
  bool size(const json::Object &O, StringRef Key, std::optional<uint64_t> &Out,
            const std::string &Where) {
    const json::Value *V = O.get(Key);
    if (!V)
      return true;
    std::optional<int64_t> N = V->getAsInteger();
    if (!N || *N < 0)
      return fail(Where, "\"" + Key.str() + "\" is not a size");
    Out = static_cast<uint64_t>(*N);
    return true;
  }
  /// The array under Key (none: nothing), each element read by Elem; a
  /// bad element is "a <What>".
  template <typename T, typename ElemFn>
  bool list(const json::Object &O, StringRef Key, std::vector<T> &Out, const std::string &Where,
            const char *What, ElemFn Elem) {
    const json::Value *V = O.get(Key);
    if (!V)
      return true;
    const json::Array *A = V->getAsArray();
    if (!A)
      return fail(Where, "\"" + Key.str() + "\" is not an array");
    for (const json::Value &E : *A) {
      std::optional<T> X = Elem(E);
      if (!X)
        return fail(Where, "\"" + Key.str() + "\" holds a " + What);
      Out.push_back(std::move(*X));
    }
    return true;
  }
  bool strs(const json::Object &O, StringRef Key, std::vector<std::string> &Out,
            const std::string &Where) {
    return list(O, Key, Out, Where, "non-string",
                [](const json::Value &E) -> std::optional<std::string> {
                  if (std::optional<StringRef> S = E.getAsString())
                    return S->str();
                  return std::nullopt;
                });
  }
  bool indexes(const json::Object &O, StringRef Key, std::vector<unsigned> &Out,
               const std::string &Where) {
    return list(O, Key, Out, Where, "non-index",
                [](const json::Value &E) -> std::optional<unsigned> {
                  std::optional<int64_t> N = E.getAsInteger();
                  if (!N || *N < 0)
                    return std::nullopt;
                  return static_cast<unsigned>(*N);
                });
  }
  bool calls(const json::Object &O, std::vector<CallSummary> &Out, const std::string &Where) {
    const json::Value *V = O.get("calls");
    if (!V)
      return true;
    const json::Array *A = V->getAsArray();
    if (!A)
      return fail(Where, "\"calls\" is not an array");
    for (const json::Value &E : *A) {
      const json::Object *C = E.getAsObject();
      if (!C)
        return fail(Where, "a call is not an object");
      CallSummary CS;
      if (!loc(*C, "at", CS.Loc, Where))
        return false;
      if (C->get("callee")) {
        if (!str(*C, "callee", CS.Callee, Where) || CS.Callee.empty())
          return fail(Where, "a call has an empty callee");
      } else if (!str(*C, "indirect", CS.Signature, Where)) {
        return false;
      }
      if (!indexes(*C, "after", CS.After, Where) ||
          !str(*C, "joins", CS.Joins, Where, /*Optional=*/true) ||
          !strs(*C, "locks", CS.Locks, Where) || !strs(*C, "arg_locks", CS.ArgLocks, Where) ||
          !flag(*C, "alone", CS.Alone, Where) || !flag(*C, "noreturn", CS.NoReturn, Where))
        return false;
      Out.push_back(std::move(CS));
    }
    return true;
  }
  bool accesses(const json::Object &O, std::vector<AccessSummary> &Out,
                const std::string &Where) {
    const json::Value *V = O.get("accesses");
    if (!V)
      return true;
    const json::Array *A = V->getAsArray();
    if (!A)
      return fail(Where, "\"accesses\" is not an array");
    for (const json::Value &E : *A) {
      const json::Object *X = E.getAsObject();
      if (!X)
        return fail(Where, "an access is not an object");
      AccessSummary S;
      std::optional<uint64_t> Off, Size;
      if (!str(*X, "object", S.Object, Where) || !loc(*X, "at", S.Loc, Where) ||
          !flag(*X, "write", S.Write, Where) || !flag(*X, "atomic", S.Atomic, Where) ||
          !flag(*X, "section", S.InSection, Where) || !flag(*X, "alone", S.Alone, Where) ||
          !strs(*X, "locks", S.Locks, Where) || !size(*X, "offset", Off, Where) ||
          !size(*X, "size", Size, Where))
        return false;
      if (Off.has_value() != Size.has_value())
        return fail(Where, "an access has an offset without a size, or the reverse");
      if (!indexes(*X, "after", S.After, Where))
        return false;
      if (Off) {
        S.Known = true;
        S.Offset = static_cast<int64_t>(*Off);
        S.Size = static_cast<int64_t>(*Size);
      }
      Out.push_back(std::move(S));
    }
    return true;
  }
  bool starts(const json::Object &O, std::vector<StartSummary> &Out, const std::string &Where) {
    const json::Value *V = O.get("starts");
    if (!V)
      return true;
    const json::Array *A = V->getAsArray();
    if (!A)
      return fail(Where, "\"starts\" is not an array");
    for (const json::Value &E : *A) {
      const json::Object *X = E.getAsObject();
      if (!X)
        return fail(Where, "a start is not an object");
      StartSummary S;
      if (!str(*X, "entry", S.Entry, Where) || !loc(*X, "at", S.Loc, Where) ||
          !flag(*X, "multi", S.Multi, Where) ||
          !str(*X, "handle", S.Handle, Where, /*Optional=*/true))
        return false;
      Out.push_back(std::move(S));
    }
    return true;
  }
};

} // namespace

UnitSummary summarize(const BlockingGraph &G, const AtomicSections &Sections) {
  Module &M = G.module();
  inferLibraryMemory(M);
  UnitSummary U;
  U.Unit = unitOf(M);
  for (const Function &F : M) {
    if (F.isIntrinsic())
      continue;
    // Declarations matter only when something here uses them.
    if (F.isDeclaration() && F.use_empty())
      continue;
    U.Functions.push_back(summarizeFunction(F));
    ++NumSummarizedFunctions;
  }
  for (const AtomicSection &S : Sections.sections()) {
    SectionSummary SS;
    SS.Function = S.Enter->getFunction()->getName().str();
    SS.Loc = userLocationOf(*S.Enter);
    std::vector<const Instruction *> Body(S.Body.begin(), S.Body.end());
    LocationSet Own;
    std::vector<const CallBase *> Opaque; // in Calls; the program resolves them
    ownLocations(Body, Own, Opaque);
    SS.Locations.assign(Own.Names.begin(), Own.Names.end());
    if (Own.Unbounded)
      SS.Unbounded = Own.Why;
    for (const Instruction *I : Body)
      if (const auto *CB = dyn_cast<CallBase>(I))
        if (!isIgnoredCall(*CB))
          if (const Function *C = directCallee(*CB);
              !C || (C->getName() != SectionEnterName && C->getName() != SectionLeaveName))
            SS.Calls.push_back(callOf(*CB));
    U.Sections.push_back(std::move(SS));
  }
  return U;
}

json::Value toJSON(const UnitSummary &U) {
  json::Array Functions;
  for (const FunctionSummary &F : U.Functions) {
    json::Object O{{"symbol", F.Symbol},
                   {"defined", F.Defined},
                   {"signature", F.Signature},
                   {"at", locJSON(F.Loc)}};
    if (F.Local)
      O["local"] = true;
    if (F.AnnotatedBlocking)
      O["annotation"] = "blocking";
    else if (F.AnnotatedNonBlocking)
      O["annotation"] = "nonblocking";
    if (F.AddressTaken)
      O["address_taken"] = true;
    if (F.NoReturn)
      O["noreturn"] = true;
    if (F.FrameBytes)
      O["frame_bytes"] = static_cast<int64_t>(*F.FrameBytes);
    if (F.StackBound)
      O["stack_bound"] = static_cast<int64_t>(*F.StackBound);
    if (!F.Defined) {
      O["class"] = toString(F.Class);
      O["memory"] = F.Memory;
    } else {
      O["locations"] = strings(F.Locations);
      if (!F.Unbounded.empty())
        O["unbounded"] = F.Unbounded;
      json::Array Calls;
      for (const CallSummary &C : F.Calls)
        Calls.push_back(callJSON(C));
      O["calls"] = std::move(Calls);
      O["reads"] = strings(F.Reads);
      O["writes"] = strings(F.Writes);
      O["spawns"] = strings(F.Spawns);
      if (!F.Accesses.empty()) {
        json::Array Accesses;
        for (const AccessSummary &A : F.Accesses)
          Accesses.push_back(accessJSON(A));
        O["accesses"] = std::move(Accesses);
      }
      if (!F.Starts.empty()) {
        json::Array Starts;
        for (const StartSummary &S : F.Starts) {
          json::Object X{{"entry", S.Entry}, {"at", locJSON(S.Loc)}};
          if (S.Multi)
            X["multi"] = true;
          if (!S.Handle.empty())
            X["handle"] = S.Handle;
          Starts.push_back(std::move(X));
        }
        O["starts"] = std::move(Starts);
      }
      if (!F.Joins.empty())
        O["joins"] = strings(F.Joins);
      if (!F.Acquires.empty())
        O["acquires"] = strings(F.Acquires);
      if (!F.Releases.empty())
        O["releases"] = strings(F.Releases);
    }
    Functions.push_back(std::move(O));
  }
  json::Array Sections;
  for (const SectionSummary &S : U.Sections) {
    json::Array Calls;
    for (const CallSummary &C : S.Calls)
      Calls.push_back(callJSON(C));
    json::Object O{{"function", S.Function},
                   {"at", locJSON(S.Loc)},
                   {"calls", std::move(Calls)},
                   {"locations", strings(S.Locations)}};
    if (!S.Unbounded.empty())
      O["unbounded"] = S.Unbounded;
    Sections.push_back(std::move(O));
  }
  return json::Object{{"weft_summary", SummaryVersion},
                      {"unit", U.Unit},
                      {"functions", std::move(Functions)},
                      {"sections", std::move(Sections)}};
}

bool fromJSON(const json::Value &V, UnitSummary &U, std::string &Error) {
  Reader R{Error};
  const json::Object *Top = V.getAsObject();
  if (!Top)
    return R.fail("summary", "not a JSON object");
  std::optional<int64_t> Version = Top->getInteger("weft_summary");
  if (!Version)
    return R.fail("summary", "not a weft summary (no \"weft_summary\" version)");
  if (*Version != SummaryVersion)
    return R.fail("summary", "version " + std::to_string(*Version) + ", this weft reads " +
                                 std::to_string(SummaryVersion) + "; rebuild with this weft");
  if (!R.str(*Top, "unit", U.Unit, "summary"))
    return false;
  const json::Array *Functions = Top->getArray("functions");
  if (!Functions)
    return R.fail("summary", "missing \"functions\"");
  for (const json::Value &E : *Functions) {
    const json::Object *O = E.getAsObject();
    if (!O)
      return R.fail("functions", "an entry is not an object");
    FunctionSummary F;
    if (!R.str(*O, "symbol", F.Symbol, "functions"))
      return false;
    std::string Where = "function '" + F.Symbol + "'";
    std::string Annotation, Class;
    if (!R.flag(*O, "defined", F.Defined, Where) || !R.flag(*O, "local", F.Local, Where) ||
        !R.flag(*O, "address_taken", F.AddressTaken, Where) ||
        !R.flag(*O, "noreturn", F.NoReturn, Where) ||
        !R.str(*O, "signature", F.Signature, Where) || !R.loc(*O, "at", F.Loc, Where) ||
        !R.str(*O, "annotation", Annotation, Where, /*Optional=*/true) ||
        !R.str(*O, "class", Class, Where, /*Optional=*/true) || !R.calls(*O, F.Calls, Where) ||
        !R.strs(*O, "reads", F.Reads, Where) || !R.strs(*O, "writes", F.Writes, Where) ||
        !R.strs(*O, "spawns", F.Spawns, Where) || !R.accesses(*O, F.Accesses, Where) ||
        !R.starts(*O, F.Starts, Where) || !R.strs(*O, "joins", F.Joins, Where) ||
        !R.strs(*O, "acquires", F.Acquires, Where) ||
        !R.strs(*O, "releases", F.Releases, Where) ||
        !R.size(*O, "frame_bytes", F.FrameBytes, Where) ||
        !R.size(*O, "stack_bound", F.StackBound, Where) ||
        !R.strs(*O, "locations", F.Locations, Where) ||
        !R.str(*O, "unbounded", F.Unbounded, Where, /*Optional=*/true) ||
        !R.str(*O, "memory", F.Memory, Where, /*Optional=*/true))
      return false;
    if (F.Memory != "none" && F.Memory != "args" && F.Memory != "any")
      return R.fail(Where, "unknown memory '" + F.Memory + "'");
    if (Annotation == "blocking")
      F.AnnotatedBlocking = true;
    else if (Annotation == "nonblocking")
      F.AnnotatedNonBlocking = true;
    else if (!Annotation.empty())
      return R.fail(Where, "unknown annotation '" + Annotation + "'");
    if (Class == "blocking")
      F.Class = DeclClass::Blocking;
    else if (Class == "nonblocking")
      F.Class = DeclClass::NonBlocking;
    else if (!Class.empty() && Class != "unlisted")
      return R.fail(Where, "unknown class '" + Class + "'");
    U.Functions.push_back(std::move(F));
  }
  if (const json::Array *Sections = Top->getArray("sections")) {
    for (const json::Value &E : *Sections) {
      const json::Object *O = E.getAsObject();
      if (!O)
        return R.fail("sections", "an entry is not an object");
      SectionSummary S;
      if (!R.str(*O, "function", S.Function, "sections") || !R.loc(*O, "at", S.Loc, "sections") ||
          !R.calls(*O, S.Calls, "sections") || !R.strs(*O, "locations", S.Locations, "sections") ||
          !R.str(*O, "unbounded", S.Unbounded, "sections", /*Optional=*/true))
        return false;
      U.Sections.push_back(std::move(S));
    }
  }
  return true;
}

std::string summaryFileName(const std::string &Unit) {
  SHA1 Hash;
  Hash.update(Unit);
  std::array<uint8_t, 20> Digest = Hash.final();
  std::string Hex;
  for (unsigned I = 0; I < 8; ++I) {
    static const char Digits[] = "0123456789abcdef";
    Hex += Digits[Digest[I] >> 4];
    Hex += Digits[Digest[I] & 15];
  }
  return sys::path::filename(Unit).str() + "-" + Hex + SummarySuffix;
}

std::string writeSummary(const std::string &Dir, const UnitSummary &U) {
  return writeAtomically(Dir, summaryFileName(U.Unit),
                         [&](raw_ostream &OS) { OS << toJSON(U) << "\n"; });
}

std::vector<UnitSummary> readSummaries(const std::string &Dir, const std::string &Skip,
                                       std::vector<std::string> &Problems) {
  std::vector<UnitSummary> Units;
  std::vector<std::string> Paths;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
    if (StringRef(It->path()).ends_with(SummarySuffix))
      Paths.push_back(It->path());
  if (EC && EC != std::errc::no_such_file_or_directory)
    Problems.push_back("cannot read directory '" + Dir + "': " + EC.message());
  // The same order on every run, whatever the directory's.
  std::sort(Paths.begin(), Paths.end());
  std::string SkipName = summaryFileName(Skip);
  for (const std::string &Path : Paths) {
    if (sys::path::filename(Path) == SkipName)
      continue;
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(Path);
    if (!Buf) {
      Problems.push_back("cannot read '" + Path + "': " + Buf.getError().message());
      continue;
    }
    Expected<json::Value> V = json::parse((*Buf)->getBuffer());
    if (!V) {
      Problems.push_back("'" + Path + "' is not valid JSON (" + toString(V.takeError()) + ")");
      continue;
    }
    UnitSummary U;
    std::string Error;
    if (!fromJSON(*V, U, Error)) {
      Problems.push_back("'" + Path + "': " + Error);
      continue;
    }
    if (U.Unit == Skip)
      continue;
    ++NumSummariesRead;
    Units.push_back(std::move(U));
  }
  return Units;
}

} // namespace weft
