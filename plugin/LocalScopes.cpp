//===- LocalScopes.cpp ----------------------------------------------------===//
#include "LocalScopes.h"

#include "LiveState.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/DenseSet.h"

#include <vector>

using namespace clang;

namespace weft {

namespace {

class LocalScopes : public ASTConsumer, public RecursiveASTVisitor<LocalScopes> {
public:
  explicit LocalScopes(CompilerInstance &CI) : CI(CI) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  void Initialize(ASTContext &Context) override { Ctx = &Context; }

  // Clang generates code for most functions as they are parsed, and for
  // inline functions, templates and static functions at the end of the
  // translation unit; both arrive here first.
  bool HandleTopLevelDecl(DeclGroupRef G) override {
    for (Decl *D : G)
      TraverseDecl(D);
    return true;
  }
  void HandleInlineFunctionDefinition(FunctionDecl *D) override { TraverseDecl(D); }
  void HandleCXXImplicitFunctionInstantiation(FunctionDecl *D) override { TraverseDecl(D); }
  void HandleTranslationUnit(ASTContext &Context) override {
    TraverseDecl(Context.getTranslationUnitDecl());
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || !FD->getBody() || !Walked.insert(FD).second)
      return true;
    // Parameters live in the whole body.
    SourceLocation End = FD->getBody()->getEndLoc();
    for (ParmVarDecl *P : FD->parameters())
      tag(P, End);
    walk(FD->getBody(), End);
    return true;
  }

private:
  /// Walks a body, tracking the end of the innermost scope: a compound
  /// statement, or a statement whose init or condition declares variables.
  /// With a work list, not recursion: expressions can nest deeply.
  void walk(Stmt *Body, SourceLocation BodyEnd) {
    std::vector<std::pair<Stmt *, SourceLocation>> Work{{Body, BodyEnd}};
    while (!Work.empty()) {
      auto [S, ScopeEnd] = Work.back();
      Work.pop_back();
      if (!S)
        continue;
      if (isa<CompoundStmt, ForStmt, WhileStmt, IfStmt, SwitchStmt, CXXForRangeStmt,
              CXXCatchStmt>(S))
        ScopeEnd = S->getEndLoc();
      if (auto *DS = dyn_cast<DeclStmt>(S))
        for (Decl *D : DS->decls())
          if (auto *VD = dyn_cast<VarDecl>(D))
            tag(VD, ScopeEnd);
      if (auto *Catch = dyn_cast<CXXCatchStmt>(S))
        if (VarDecl *VD = Catch->getExceptionDecl())
          tag(VD, ScopeEnd);
      if (auto *L = dyn_cast<LambdaExpr>(S)) {
        // The body is the call operator's; its scopes are its own.
        Work.push_back({L->getBody(), L->getBody()->getEndLoc()});
        continue;
      }
      for (Stmt *Child : S->children())
        Work.push_back({Child, ScopeEnd});
    }
  }

  void tag(VarDecl *VD, SourceLocation ScopeEnd) {
    if (!VD->hasLocalStorage() || VD->getName().empty() ||
        !Tagged.insert(VD).second)
      return;
    for (const auto *A : VD->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation().starts_with(LocalAnnotationPrefix))
        return; // copied from the template it was instantiated from
    SourceManager &SM = CI.getSourceManager();
    PresumedLoc Decl = SM.getPresumedLoc(SM.getExpansionLoc(VD->getLocation()));
    PresumedLoc End = SM.getPresumedLoc(SM.getExpansionLoc(ScopeEnd));
    if (Decl.isInvalid() || End.isInvalid())
      return;
    LocalVariable V;
    V.Name = VD->getName().str();
    V.File = Decl.getFilename();
    V.Line = Decl.getLine();
    V.Column = Decl.getColumn();
    V.EndLine = End.getLine();
    V.EndColumn = End.getColumn();
    VD->addAttr(AnnotateAttr::CreateImplicit(*Ctx, encodeLocalVariable(V), nullptr, 0,
                                             VD->getSourceRange()));
  }

  CompilerInstance &CI;
  ASTContext *Ctx = nullptr;
  llvm::DenseSet<const FunctionDecl *> Walked;
  llvm::DenseSet<const VarDecl *> Tagged;
};

} // namespace

std::unique_ptr<ASTConsumer> createLocalScopesConsumer(CompilerInstance &CI) {
  return std::make_unique<LocalScopes>(CI);
}

} // namespace weft
