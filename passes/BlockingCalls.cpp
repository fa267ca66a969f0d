//===- BlockingCalls.cpp --------------------------------------------------===//
#include "BlockingCalls.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Demangle/Demangle.h"

#include <cassert>
#include <iterator>

using namespace llvm;

namespace weft {

namespace {

struct Table {
  StringMap<BlockKind> Blocking; // name -> kind
  StringMap<bool> NonBlocking;
  Table() {
    // A kind that is not in weft/block_kinds.def does not compile.
#define WEFT_BLOCKING_CALL(name, kind) Blocking[#name] = BlockKind::kind;
#define WEFT_NONBLOCKING_CALL(name) NonBlocking[#name] = true;
#include "blocking_calls.def"
  }
};

constexpr const char *KindNames[] = {
#define WEFT_BLOCK_KIND(ID, name) #name,
#define WEFT_CALL_KIND(ID, name) #name,
#include "weft/block_kinds.def"
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

/// Parts of the C++ standard library that are compiled into libstdc++ and
/// never block: exception objects, string and allocation helpers.
bool isNonBlockingLibstdcxx(StringRef Symbol) {
  if (!Symbol.starts_with("_Z"))
    return false;
  std::string D = demangle(Symbol);
  StringRef Name(D);
  for (StringRef Prefix :
       {"std::__throw_", "std::exception::", "std::bad_alloc::", "std::bad_cast::",
        "std::runtime_error::", "std::logic_error::", "std::out_of_range::",
        "std::invalid_argument::", "std::length_error::", "std::range_error::",
        "std::overflow_error::", "std::domain_error::", "std::system_error::",
        "std::__cxx11::basic_string<", "std::basic_string<", "std::__detail::",
        "std::_Rb_tree_", "std::_Hash_bytes", "std::__cxx11::to_string", "operator new",
        "operator delete", "std::type_info::", "std::nothrow"})
    if (Name.starts_with(Prefix))
      return true;
  return false;
}

LibcClass classifyLibcCall(StringRef Symbol) {
  const Table &T = table();
  for (StringRef Name : {Symbol, plainName(Symbol)}) {
    if (T.Blocking.count(Name))
      return LibcClass::Blocking;
    if (T.NonBlocking.count(Name))
      return LibcClass::NonBlocking;
  }
  if (isNonBlockingLibstdcxx(Symbol))
    return LibcClass::NonBlocking;
  return LibcClass::Unlisted;
}

StringRef blockKindName(BlockKind K) {
  auto I = static_cast<size_t>(K);
  assert(I < std::size(KindNames) && "a BlockKind out of weft/block_kinds.def");
  return KindNames[I];
}

std::optional<StringRef> blockingKind(StringRef Symbol) {
  const Table &T = table();
  for (StringRef Name : {Symbol, plainName(Symbol)}) {
    auto It = T.Blocking.find(Name);
    if (It != T.Blocking.end())
      return blockKindName(It->second);
  }
  return std::nullopt;
}

} // namespace weft
