//===- LocalScopes.h - local variables' names and scopes for the IR -------===//
//
// The live-state analysis (passes/LiveState.h) needs, for each stack object,
// the variable's source name, where it is declared and where its scope
// ends. Release builds of Clang discard value names, and without -g the IR
// has no variables, so this consumer tags every local variable in the AST
// with an implicit `annotate` attribute before Clang generates code for it:
// Clang then emits an llvm.var.annotation call on the variable's alloca,
// which the first pass of weft's pipeline turns into `!weft.local`
// metadata and removes (passes/LiveState.cpp, importLocalVariables).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PLUGIN_LOCALSCOPES_H
#define WEFT_PLUGIN_LOCALSCOPES_H

#include <memory>

namespace clang {
class ASTConsumer;
class CompilerInstance;
} // namespace clang

namespace weft {

/// A consumer that must run before Clang's code generator (the plugin's
/// consumers do: the action is AddBeforeMainAction).
std::unique_ptr<clang::ASTConsumer> createLocalScopesConsumer(clang::CompilerInstance &CI);

} // namespace weft

#endif
