//===- StackBounds.cpp ----------------------------------------------------===//
#include "StackBounds.h"

#include "Annotations.h"
#include "Calls.h"
#include "Checkpoints.h"

#include "llvm/ADT/SCCIterator.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/CallGraph.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cmath>

using namespace llvm;

#define DEBUG_TYPE "weft-stack"
// Statistics are ALWAYS_ENABLED_STATISTIC: Debian's LLVM and weft's own
// RelWithDebInfo build define NDEBUG, which turns STATISTIC into a no-op.
// Shown by opt -stats, clang -mllvm -stats or -Xclang -stats-file=<f>.
// StackBounds is computed more than once per module (checks, checkpoints,
// report); each computation counts.
ALWAYS_ENABLED_STATISTIC(NumBounded, "Stack bounds computed (functions)");
ALWAYS_ENABLED_STATISTIC(NumUnbounded, "Functions without a stack bound");
ALWAYS_ENABLED_STATISTIC(NumPlaced, "Checkpoints placed by stack-bound computations");

namespace weft {

namespace {

/// Return address, frame pointer and the five other callee-saved general
/// registers of x86-64 SysV, plus realignment of the frame to 16.
constexpr uint64_t FixedBytes = 8 + 8 + 5 * 8 + 16;
/// The register save area va_start needs (6 x 8 + 8 x 16).
constexpr uint64_t VarArgSaveBytes = 176 + 16;
/// Slack per call site for values the instruction selector materialises
/// (constants, addresses) and keeps live across the call.
constexpr uint64_t PerCallBytes = 16;
/// What instrumenting a call as a checkpoint may add to the frame
/// (Checkpoints.cpp): the stack pointer, the limit, the comparison and the
/// merged result.
constexpr uint64_t CheckpointBytes = 64;
/// Pushed by every call; the backend's frame sizes leave it out.
constexpr uint64_t ReturnAddressBytes = 8;

uint64_t slotBytes(const DataLayout &DL, Type *T) {
  if (T->isVoidTy() || T->isLabelTy() || T->isMetadataTy() || T->isTokenTy())
    return 0;
  if (!T->isSized())
    return 8;
  TypeSize S = DL.getTypeStoreSize(T);
  if (S.isScalable())
    return 64;
  uint64_t Bytes = S.getFixedValue();
  uint64_t Align = T->isVectorTy() || T->isX86_FP80Ty() || T->isFP128Ty() ? 16 : 8;
  return alignTo(std::max<uint64_t>(Bytes, 1), Align);
}

/// The bytes of a fixed-size alloca; none for a dynamic or scalable one,
/// which leaves its function's frame without a static size.
std::optional<uint64_t> staticAllocaBytes(const AllocaInst &AI, const DataLayout &DL) {
  if (!AI.isStaticAlloca())
    return std::nullopt;
  std::optional<TypeSize> S = AI.getAllocationSize(DL);
  if (!S || S->isScalable())
    return std::nullopt;
  return S->getFixedValue();
}

} // namespace

std::optional<uint64_t> externalBound(const Function &F) {
  if (std::optional<uint64_t> B = annotationsOf(F).StackBound)
    return B;
  static const StringMap<uint64_t> Libc = {
#define WEFT_LIBC_STACK_BOUND(name, bytes) {#name, bytes},
#include "libc_stack_bounds.def"
#undef WEFT_LIBC_STACK_BOUND
  };
  auto It = Libc.find(F.getName());
  if (It == Libc.end())
    return std::nullopt;
  return It->second;
}

std::optional<uint64_t> frameBound(const Function &F) {
  if (F.isDeclaration())
    return std::nullopt;
  const DataLayout &DL = F.getParent()->getDataLayout();
  uint64_t Objects = 0, Spills = 0, Temps = 0, Outgoing = 0, Calls = 0;
  for (const Argument &A : F.args())
    Spills += slotBytes(DL, A.getType());
  for (const Instruction &I : instructions(F)) {
    if (const auto *AI = dyn_cast<AllocaInst>(&I)) {
      std::optional<uint64_t> Size = staticAllocaBytes(*AI, DL);
      if (!Size)
        return std::nullopt;
      uint64_t Align = AI->getAlign().value();
      Objects += alignTo(*Size, std::min<uint64_t>(Align, 16)) +
                 (Align > 16 ? Align : 0);
      continue;
    }
    if (isa<DbgInfoIntrinsic>(&I))
      continue;
    uint64_t Slot = slotBytes(DL, I.getType());
    if (const auto *Phi = dyn_cast<PHINode>(&I))
      Slot *= 1 + Phi->getNumIncomingValues();
    Spills += Slot;
    if (isa<ExtractElementInst>(&I) || isa<InsertElementInst>(&I)) {
      Value *Index = I.getOperand(isa<ExtractElementInst>(&I) ? 1 : 2);
      if (!isa<Constant>(Index))
        Temps += slotBytes(DL, I.getOperand(0)->getType());
    }
    if (I.getType()->isAggregateType())
      Temps += slotBytes(DL, I.getType());
    if (const auto *SI = dyn_cast<StoreInst>(&I))
      if (SI->getValueOperand()->getType()->isAggregateType())
        Temps += slotBytes(DL, SI->getValueOperand()->getType());
    if (const auto *CB = dyn_cast<CallBase>(&I)) {
      if (isa<IntrinsicInst>(CB) && !isa<MemIntrinsic>(CB))
        continue;
      ++Calls;
      uint64_t Args = 0;
      for (unsigned A = 0; A < CB->arg_size(); ++A) {
        Args += slotBytes(DL, CB->getArgOperand(A)->getType());
        if (Type *ByVal = CB->getParamByValType(A))
          Args += alignTo(DL.getTypeAllocSize(ByVal).getFixedValue(), 16);
      }
      Outgoing = std::max(Outgoing, Args);
      // Room for what a checkpoint at this call may add: the check's
      // temporaries and a second copy of the call (to the slow path) whose
      // operands and result may be kept on the frame.
      Objects += Args + 8 + slotBytes(DL, CB->getType()) + CheckpointBytes;
    }
  }
  if (F.isVarArg())
    Temps += VarArgSaveBytes;
  uint64_t Total = FixedBytes + Objects + Spills + Temps + Outgoing + Calls * PerCallBytes;
  return alignTo(Total, 16);
}

std::optional<uint64_t> typicalFrame(const Function &F) {
  if (F.isDeclaration())
    return std::nullopt;
  const DataLayout &DL = F.getParent()->getDataLayout();
  uint64_t Objects = 0, Values = 0;
  bool Calls = false;
  for (const Instruction &I : instructions(F)) {
    if (const auto *AI = dyn_cast<AllocaInst>(&I)) {
      std::optional<uint64_t> Size = staticAllocaBytes(*AI, DL);
      if (!Size)
        return std::nullopt;
      Objects += alignTo(*Size, 16);
      continue;
    }
    if (isa<DbgInfoIntrinsic>(&I))
      continue;
    if (const auto *CB = dyn_cast<CallBase>(&I); CB && !isa<IntrinsicInst>(CB))
      Calls = true;
    if (!I.getType()->isVoidTy())
      ++Values;
  }
  // Callee-saved registers and spill slots: a function that calls keeps
  // values across its calls, about 6 * sqrt(values) bytes of them on
  // SQLite; a leaf rarely needs more than a few slots.
  uint64_t Registers = Calls ? uint64_t(6 * std::sqrt(double(Values)))
                             : 8 * std::min<uint64_t>(4, Values / 20);
  return alignTo(Objects + Registers, 8);
}

StackBounds::StackBounds(Module &M, uint64_t MaxPath, uint64_t MinChunk,
                         const StringMap<uint64_t> *Exact, bool Typical)
    : M(M), MaxPath(MaxPath), MinChunk(MinChunk),
      Instrumented(M.getNamedMetadata(LinkedStacksMD) != nullptr) {
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    StackFacts &SF = Facts[&F];
    auto It = Exact ? Exact->find(F.getName()) : StringMap<uint64_t>::const_iterator();
    if (Exact && It != Exact->end()) {
      SF.FrameBytes = It->second;
      SF.Exact = true;
    } else {
      SF.FrameBytes = Typical ? typicalFrame(F) : frameBound(F);
    }
  }

  // Subtree bounds bottom-up over the strongly connected components of the
  // call graph; a component with a cycle has none.
  CallGraph CG(M);
  for (scc_iterator<CallGraph *> It = scc_begin(&CG); !It.isAtEnd(); ++It) {
    const std::vector<CallGraphNode *> &SCC = *It;
    for (CallGraphNode *N : SCC) {
      Function *F = N->getFunction();
      if (!F || F->isDeclaration())
        continue;
      StackFacts &SF = Facts[F];
      SF.SelfRecursiveOnly = It.hasCycle() && SCC.size() == 1;
      if (!SF.FrameBytes) {
        SF.Unbounded = "dynamic alloca";
        continue;
      }
      if (It.hasCycle()) {
        SF.Unbounded = "recursion";
        continue;
      }
      uint64_t Deepest = 0;
      for (const auto &[Call, Callee] : *N) {
        Function *G = Callee->getFunction();
        if (Call && isa<CallBase>(*Call)) {
          if (const Function *Direct = cast<CallBase>(*Call)->getCalledFunction())
            if (Direct->isIntrinsic())
              continue;
        }
        if (!G) {
          SF.Unbounded = "indirect call";
          break;
        }
        if (G->isIntrinsic() || G->hasFnAttribute(SlowPathAttr) ||
            G->hasFnAttribute(WithoutRuntimeAttr))
          continue;
        if (G->isDeclaration()) {
          if (std::optional<uint64_t> B = externalBound(*G)) {
            Deepest = std::max(Deepest, *B);
            continue;
          }
          SF.Unbounded = "calls " + G->getName().str() + ", which has no bound";
          break;
        }
        const StackFacts &GF = Facts[G];
        if (!GF.SubtreeBytes) {
          SF.Unbounded = "calls " + G->getName().str() + ", which has no bound";
          break;
        }
        Deepest = std::max(Deepest, *GF.SubtreeBytes);
      }
      if (SF.Unbounded.empty())
        SF.SubtreeBytes = callCost(SF) + Deepest;
    }
  }
  for (const auto &[F, SF] : Facts) {
    assert((SF.SubtreeBytes.has_value() || !SF.Unbounded.empty()) &&
           "a function without a bound says why");
    if (SF.SubtreeBytes)
      ++NumBounded;
    else
      ++NumUnbounded;
    LLVM_DEBUG(dbgs() << "weft-stack: " << F->getName() << ": frame "
                      << (SF.FrameBytes ? std::to_string(*SF.FrameBytes) : "?")
                      << (SF.Exact ? " (backend)" : " (IR estimate)") << ", subtree "
                      << (SF.SubtreeBytes ? std::to_string(*SF.SubtreeBytes) : SF.Unbounded)
                      << "\n");
  }
  placeCheckpoints(CG);
  if (Instrumented)
    firstSegments(CG);
}

bool hasFirstSegmentNeed(const Function &F, const StackFacts &SF) {
  return !F.isDeclaration() && !F.getName().starts_with("__weft_") && F.hasAddressTaken() &&
         SF.FirstSegmentKnown && SF.FirstSegmentBytes < UINT32_MAX &&
         SF.ReserveBytes < StackNeedUnwinds;
}

void StackBounds::firstSegments(CallGraph &CG) {
  // Bottom-up over the components: what a function reaches is the union
  // of what its component's members do and what their callees reach.
  for (scc_iterator<CallGraph *> It = scc_begin(&CG); !It.isAtEnd(); ++It) {
    bool Known = true, Unwinds = false;
    uint64_t Reserve = 0;
    std::vector<StackFacts *> Members;
    SmallPtrSet<const Function *, 8> InSCC;
    for (CallGraphNode *N : *It)
      InSCC.insert(N->getFunction());
    for (CallGraphNode *N : *It) {
      Function *F = N->getFunction();
      if (!F || F->isDeclaration())
        continue;
      if (F->hasFnAttribute(SlowPathAttr))
        continue; // runs below the limit; its callers count it
      if (F->hasFnAttribute(WithoutRuntimeAttr))
        continue; // never under a limit
      StackFacts &SF = Facts[F];
      Members.push_back(&SF);
      Known &= SF.FrameBytes.has_value();
      uint64_t Slow = 0;
      bool Checked = F->hasFnAttribute(EntryCheckAttr);
      for (Instruction &I : instructions(*F)) {
        if (isa<LandingPadInst>(I) || isa<ResumeInst>(I))
          Unwinds = true;
        auto *CB = dyn_cast<CallBase>(&I);
        if (!CB || isIgnoredCall(*CB))
          continue;
        Function *G = directCallee(*CB);
        if (G && G->hasFnAttribute(SlowPathAttr)) {
          Slow = std::max(Slow, callCost(Facts[G]));
          continue;
        }
        if (G && G->hasFnAttribute(WithoutRuntimeAttr))
          continue;
        bool Marked = CB->hasMetadata(CheckpointMD);
        Checked |= Marked;
        if (!G || G->isDeclaration()) {
          // Unchecked and of unknown use: the runtime's own calls, or a
          // call CheckpointsPass could not instrument.
          Known &= Marked || (G && externalBound(*G).has_value());
          continue;
        }
        if (InSCC.count(G))
          continue;
        const StackFacts &GF = Facts[G];
        Known &= GF.FirstSegmentKnown;
        Unwinds |= GF.Unwinds;
        Reserve = std::max(Reserve, GF.ReserveBytes);
      }
      if (Checked)
        Reserve = std::max(Reserve, StackLimitSlack + Slow +
                                        (F->hasFnAttribute(EntryCheckAttr) ? callCost(SF) : 0));
    }
    for (StackFacts *SF : Members) {
      SF->FirstSegmentKnown = Known;
      SF->ReserveBytes = Reserve;
      SF->Unwinds = Unwinds;
      SF->FirstSegmentBytes = SF->PathBytes;
      if (!SF->FrameBytes)
        continue;
      for (const Checkpoint &CP : SF->Checkpoints)
        if (CP.Why != Checkpoint::Recursion && CP.NeedBytes && CP.NeedBytes <= FirstSegmentFoldBytes)
          SF->FirstSegmentBytes = std::max(SF->FirstSegmentBytes, *SF->FrameBytes + CP.NeedBytes);
      assert(SF->FirstSegmentBytes >= SF->PathBytes && "a first segment never shrinks");
    }
  }
}

namespace {

/// The functions of one strongly connected component, ordered so that a
/// function comes after every member it calls unless that member is cut:
/// a set of cut functions that leaves no cycle (every cycle of calls holds
/// one, as Capriccio asks of checkpoints). Functions already in `Cut` stay
/// cut; more are cut greedily while cycles remain: a function that calls
/// itself, else the one with the most calls in and out among those left.
std::vector<Function *> orderComponent(ArrayRef<Function *> Members,
                                       SmallPtrSetImpl<const Function *> &Cut) {
  SmallPtrSet<const Function *, 16> In(Members.begin(), Members.end());
  DenseMap<const Function *, SmallVector<Function *, 4>> Callees, Callers;
  for (Function *F : Members)
    for (Instruction &I : instructions(*F))
      if (auto *CB = dyn_cast<CallBase>(&I); CB && !isIgnoredCall(*CB))
        if (Function *G = directCallee(*CB);
            G && In.count(G) && !G->hasFnAttribute(SlowPathAttr)) {
          Callees[F].push_back(G);
          Callers[G].push_back(F);
        }
  for (;;) {
    // Kahn's algorithm over the calls into functions not cut, callees
    // first: a function is ready when every such call of its is done.
    DenseMap<const Function *, unsigned> Pending;
    std::vector<Function *> Order;
    for (Function *F : Members) {
      for (Function *G : Callees[F])
        Pending[F] += !Cut.count(G);
      if (!Pending[F])
        Order.push_back(F);
    }
    for (size_t I = 0; I < Order.size(); ++I)
      if (!Cut.count(Order[I]))
        for (Function *H : Callers[Order[I]])
          if (--Pending[H] == 0)
            Order.push_back(H);
    if (Order.size() == Members.size())
      return Order;
    SmallPtrSet<const Function *, 16> Done(Order.begin(), Order.end());
    // Cut one function still in a cycle.
    Function *Best = nullptr;
    uint64_t BestScore = 0;
    for (Function *F : Members) {
      if (Done.count(F) || Cut.count(F))
        continue;
      uint64_t Out = 0, InDeg = 0;
      bool Self = false;
      for (Function *G : Callees[F])
        if (!Done.count(G) && !Cut.count(G))
          ++Out, Self |= G == F;
      for (Function *H : Members)
        if (!Done.count(H))
          for (Function *G : Callees[H])
            InDeg += G == F;
      uint64_t Score = Self ? UINT64_MAX : (InDeg + 1) * (Out + 1);
      if (!Best || Score > BestScore)
        Best = F, BestScore = Score;
    }
    Cut.insert(Best);
  }
}

} // namespace

void StackBounds::placeCheckpoints(CallGraph &CG) {
  for (scc_iterator<CallGraph *> It = scc_begin(&CG); !It.isAtEnd(); ++It) {
    SmallPtrSet<const Function *, 8> InSCC;
    std::vector<Function *> Members;
    for (CallGraphNode *N : *It)
      if (Function *F = N->getFunction()) {
        InSCC.insert(F);
        if (!F->isDeclaration())
          Members.push_back(F);
      }
    // Calls into a cut function from its own component are checkpoints. On
    // instrumented code the cut is what CheckpointsPass chose: functions
    // checked at entry and callees of marked calls.
    SmallPtrSet<const Function *, 8> Cut;
    if (It.hasCycle()) {
      if (Instrumented)
        for (Function *F : Members) {
          if (F->hasFnAttribute(EntryCheckAttr))
            Cut.insert(F);
          for (Instruction &I : instructions(*F))
            if (auto *CB = dyn_cast<CallBase>(&I); CB && CB->hasMetadata(CheckpointMD))
              if (Function *G = directCallee(*CB); G && InSCC.count(G))
                Cut.insert(G);
        }
      Members = orderComponent(Members, Cut);
    }
    std::vector<std::pair<StackFacts *, CallBase *>> BackEdges;
    for (Function *F : Members) {
      StackFacts &SF = Facts[F];
      // A function with a dynamic alloca is charged MinChunk for its frame:
      // its calls are checked against what is left after the alloca.
      uint64_t Frame = SF.FrameBytes ? callCost(SF) : MinChunk;
      uint64_t Longest = 0;
      for (Instruction &I : instructions(*F)) {
        auto *CB = dyn_cast<CallBase>(&I);
        if (!CB || isIgnoredCall(*CB))
          continue;
        Function *G = directCallee(*CB);
        if (G && (G->hasFnAttribute(SlowPathAttr) || G->hasFnAttribute(WithoutRuntimeAttr)))
          continue;
        // On instrumented code the checkpoints are the marked calls; other
        // calls of unknown use (the runtime's, or calls that cannot be
        // instrumented) are charged nothing.
        bool Marked = CB->hasMetadata(CheckpointMD) || (G && Cut.count(G));
        if (!G) {
          if (!Instrumented || Marked)
            SF.Checkpoints.push_back({CB, 0, Checkpoint::Indirect});
          continue;
        }
        if (Cut.count(G)) {
          BackEdges.push_back({&SF, CB});
          continue;
        }
        uint64_t Path;
        if (G->isDeclaration()) {
          std::optional<uint64_t> B = externalBound(*G);
          if (!B) {
            if (!Instrumented || Marked)
              SF.Checkpoints.push_back({CB, 0, Checkpoint::External});
            continue;
          }
          Path = *B;
        } else {
          Path = Facts[G].PathBytes;
        }
        if (Instrumented ? Marked : Frame + Path > MaxPath)
          SF.Checkpoints.push_back({CB, Path, Checkpoint::MaxPath});
        else
          Longest = std::max(Longest, Path);
      }
      SF.PathBytes = Frame + Longest;
      assert((Instrumented || SF.PathBytes <= std::max(MaxPath, Frame)) &&
             "a path longer than max-path without a checkpoint");
    }
    // Calls around a cycle are checked for what the callee's path needs.
    for (auto [SF, CB] : BackEdges) {
      const Function *G = directCallee(*CB);
      SF->Checkpoints.push_back(
          {CB, Facts[G].PathBytes, Checkpoint::Recursion});
    }
  }
  // Program order within each function, for printing and tests.
  for (auto &[F, SF] : Facts) {
    NumPlaced += SF.Checkpoints.size();
    LLVM_DEBUG(if (!SF.Checkpoints.empty()) dbgs()
               << "weft-stack: " << F->getName() << ": path " << SF.PathBytes << ", "
               << SF.Checkpoints.size() << " checkpoints\n");
    // Only recursion's checkpoints, added last, can be out of order; most
    // functions have none or one, and numbering every instruction of every
    // function cost a few percent of SQLite's compile.
    if (SF.Checkpoints.size() < 2 ||
        none_of(SF.Checkpoints, [](const Checkpoint &C) { return C.Why == Checkpoint::Recursion; }))
      continue;
    DenseMap<const Instruction *, unsigned> Order;
    unsigned N = 0;
    for (const Instruction &I : instructions(*F))
      Order[&I] = N++;
    llvm::sort(SF.Checkpoints, [&](const Checkpoint &A, const Checkpoint &B) {
      return Order[A.Call] < Order[B.Call];
    });
  }
}

uint64_t StackBounds::callCost(const StackFacts &SF) const {
  // The IR estimate counts the return address already.
  return SF.FrameBytes.value_or(0) + (SF.Exact ? ReturnAddressBytes : 0);
}

const StackFacts *StackBounds::facts(const Function &F) const {
  auto It = Facts.find(&F);
  return It == Facts.end() ? nullptr : &It->second;
}

void StackBounds::print(raw_ostream &OS) const {
  OS << "weft stack bounds for '" << M.getModuleIdentifier() << "'\n";
  for (const Function &F : M) {
    const StackFacts *SF = facts(F);
    if (!SF)
      continue;
    OS << "function " << F.getName() << ": frame ";
    if (SF->FrameBytes)
      OS << *SF->FrameBytes;
    else
      OS << "dynamic";
    OS << ", subtree ";
    if (SF->SubtreeBytes)
      OS << *SF->SubtreeBytes;
    else
      OS << "unbounded (" << SF->Unbounded << ")";
    OS << ", path " << SF->PathBytes;
    if (Instrumented && SF->FirstSegmentKnown) {
      OS << ", first segment: stack " << SF->FirstSegmentBytes << ", reserve ";
      if (SF->Unwinds)
        OS << "unwinder";
      else
        OS << SF->ReserveBytes;
    }
    OS << "\n";
    for (const Checkpoint &C : SF->Checkpoints) {
      OS << "  checkpoint before ";
      const Function *G = directCallee(*C.Call);
      OS << (G ? G->getName() : "<indirect call>") << ": ";
      switch (C.Why) {
      case Checkpoint::Recursion:
        OS << "recursion";
        break;
      case Checkpoint::MaxPath:
        OS << "max-path";
        break;
      case Checkpoint::External:
        OS << "external without a bound";
        break;
      case Checkpoint::Indirect:
        OS << "indirect call";
        break;
      }
      if (C.NeedBytes)
        OS << ", needs " << C.NeedBytes;
      else
        OS << ", needs a large segment";
      OS << "\n";
    }
  }
}

PreservedAnalyses StackBoundsPrinter::run(Module &M, ModuleAnalysisManager &) {
  StackBounds(M, MaxPath, MinChunk).print(OS);
  return PreservedAnalyses::all();
}

} // namespace weft
