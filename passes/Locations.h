//===- Locations.h - the shared memory code may touch, by abstract location ===//
//
// Section lock inference (SectionLocks.h) and the whole program's summaries
// name the memory a piece of code may read or write by abstract locations
// whose names are the same in every translation unit:
//
//   global:<symbol>           a global variable (not constant, not
//                             thread-local), through any constant offset
//   type:<struct>.<field>     field <field> (its index in the IR struct) of
//                             any object of that struct type: heap data,
//                             pointed-to data, and the fields of globals of
//                             that type
//
// An access classifies by walking its pointer back: the innermost struct
// field a GEP selects gives a type location (a field that holds structs
// gives all the fields inside); a global gives its global location (a
// global that holds structs also gives all their fields, so that `g.x` and
// `p->x` meet); a stack object whose address is never captured is private
// and gives nothing. Anything else (a pointer loaded from memory or passed
// in, without a struct field on the way) cannot be bounded, and neither can
// a call to a function nothing is known about: the set is then Unbounded,
// with the reason.
//
// Names are stable across units: LLVM's renaming suffix (struct.account.3
// when two types of one name meet in a module) is dropped, which can only
// merge locations, never split one.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_LOCATIONS_H
#define WEFT_PASSES_LOCATIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/PassManager.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace llvm {
class CallBase;
class Function;
class Instruction;
class Module;
class StructType;
class Value;
} // namespace llvm

namespace weft {

class BlockingGraph;

struct LocationSet {
  std::set<std::string> Names; // sorted, for stable output
  bool Unbounded = false;
  std::string Why; // for Unbounded: the first reason found

  void add(std::string Name) { Names.insert(std::move(Name)); }
  void unbound(const std::string &Reason) {
    if (!Unbounded)
      Why = Reason;
    Unbounded = true;
  }
  /// Returns whether anything was added.
  bool merge(const LocationSet &Other);
};

/// The locations instruction `I` reads or writes itself (loads, stores,
/// atomics, memcpy/memmove/memset); calls add nothing here.
void locationsOf(const llvm::Instruction &I, LocationSet &Out);

/// The locations memory at `Ptr` may belong to.
void locationsOfPointer(const llvm::Value *Ptr, LocationSet &Out);

/// The one name of the object at `Ptr`, for a lock: the global it is in,
/// else the innermost struct field it is, else none.
std::optional<std::string> objectName(const llvm::Value *Ptr);

/// The innermost struct field the object at `Ptr` is, whatever it is in
/// (a global, the heap, a parameter's), else none.
std::optional<std::string> fieldName(const llvm::Value *Ptr);

/// The name of field `Field` of struct `S`, as locations name it.
std::string fieldLocation(llvm::StructType *S, unsigned Field);

/// Marks the library functions the module declares with what LLVM knows
/// of their memory (the attributes LLVM's own pipeline infers later).
void inferLibraryMemory(llvm::Module &M);

/// A defined function's own locations: its accesses, and the arguments'
/// memory of the library calls that touch nothing else. Calls to
/// declarations that may touch anything go to `Opaque` (the whole program
/// may know their definition); calls to definitions add nothing here.
void ownLocations(const llvm::Function &F, LocationSet &Out,
                  std::vector<const llvm::CallBase *> &Opaque);
/// The same for some instructions (an atomic section's).
void ownLocations(llvm::ArrayRef<const llvm::Instruction *> Code, LocationSet &Out,
                  std::vector<const llvm::CallBase *> &Opaque);

/// Whether a declaration touches no memory, only its arguments' (and
/// memory no one else can reach, like the allocator's), or anything.
enum class Memory : uint8_t { None, Args, Any };
Memory memoryOf(const llvm::Function &F);
const char *toString(Memory M);

/// A lock id of a location name: stable across units (FNV-1a, 32 bits),
/// never WEFT_SECTION_COARSE.
uint32_t lockIdOf(llvm::StringRef Name);

/// Per defined function of a module: the locations it and everything it
/// calls may touch. Calls resolve as the blocking graph resolves them
/// (indirect calls to address-taken functions of their type; with the whole
/// program, external functions to their definitions in other units). An
/// external function with no definition known touches only its arguments'
/// memory when LLVM knows it for a library function (strlen, malloc, ...),
/// nothing when it touches no memory; otherwise the set is unbounded.
class FunctionLocations {
public:
  explicit FunctionLocations(const BlockingGraph &G);
  FunctionLocations(const FunctionLocations &) = delete;
  const LocationSet &of(const llvm::Function &F) const;
  /// Adds what call `CB` may touch through its callee(s).
  void addCall(const llvm::CallBase &CB, LocationSet &Out) const;

private:
  /// A call to a declaration: its definition in the whole program, else
  /// what LLVM knows of its memory.
  void addDeclared(const llvm::CallBase &CB, const llvm::Function &Callee,
                   LocationSet &Out) const;

  const BlockingGraph &G;
  std::string Unit;
  llvm::DenseMap<const llvm::Function *, LocationSet> Sets;
  LocationSet Empty;
};

} // namespace weft

#endif
