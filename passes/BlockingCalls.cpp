//===- BlockingCalls.cpp --------------------------------------------------===//
#include "BlockingCalls.h"

#include "llvm/ADT/StringMap.h"

using namespace llvm;

namespace weft {

namespace {

struct Table {
  StringMap<StringRef> Blocking; // name -> kind
  StringMap<bool> NonBlocking;
  Table() {
#define WEFT_BLOCKING_CALL(name, kind) Blocking[#name] = #kind;
#define WEFT_NONBLOCKING_CALL(name) NonBlocking[#name] = true;
#include "blocking_calls.def"
  }
};

const Table &table() {
  static const Table T;
  return T;
}

StringRef plainName(StringRef S) {
  S.consume_front("__isoc99_");
  S.consume_front("__isoc23_");
  if (S.starts_with("__") && S.ends_with("_chk")) {
    S = S.drop_front(2).drop_back(4);
  }
  return S;
}

} // namespace

LibcClass classifyLibcCall(StringRef Symbol) {
  const Table &T = table();
  for (StringRef Name : {Symbol, plainName(Symbol)}) {
    if (T.Blocking.count(Name))
      return LibcClass::Blocking;
    if (T.NonBlocking.count(Name))
      return LibcClass::NonBlocking;
  }
  return LibcClass::Unlisted;
}

std::optional<StringRef> blockingKind(StringRef Symbol) {
  const Table &T = table();
  for (StringRef Name : {Symbol, plainName(Symbol)}) {
    auto It = T.Blocking.find(Name);
    if (It != T.Blocking.end())
      return It->second;
  }
  return std::nullopt;
}

} // namespace weft
