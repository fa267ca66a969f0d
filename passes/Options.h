//===- Options.h - weft's plugin options ----------------------------------===//
//
// The options a user passes as -fplugin-arg-weft-<key>[=<value>]. The
// frontend plugin and the pass plugin parse them with the same code, so the
// valid keys and their error messages are the same everywhere.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_PASSES_OPTIONS_H
#define WEFT_PASSES_OPTIONS_H

#include <cstdint>
#include <string>

namespace weft {

struct Options {
  bool Help = false;
  std::string ReportDir;
  std::string GraphDir;
  /// db=<dir>: whole-program summaries, this unit's written, the others read.
  std::string DbDir;
  uint64_t LiveStateThreshold = 4096;
  /// Stack objects of at least this many bytes that no blocking point can
  /// see move to the runtime's scratch memory (Scratch.h).
  uint64_t ScratchThreshold = 4096; // WEFT_SCRATCH_MIN_BYTES
  bool Scratch = true;
  uint64_t MaxPath = 2048;
  uint64_t MinChunk = 4096;
  bool Atomic = true;
  bool Race = true;
  bool LiveState = true;
  bool LockHeld = true;
  bool Stack = true;
  /// workers=<n>: the workers the program runs on; 1 keeps only the races
  /// a single worker has (check-then-act).
  uint64_t Workers = 0; // 0: several (the runtime's default, one per core)
  /// race-limit=<n>: races across units shown per pair of thread entries
  /// (0: all).
  uint64_t RaceLimit = 5;
  /// Infer each atomic section's locks and describe the section to the
  /// runtime (SectionLocks.h); off: every section takes the coarse lock.
  bool SectionLocks = true;
  bool Stats = false;
  /// Stack checkpoints that link new segments (CheckpointsPass); off with
  /// no-linked-stacks.
  bool LinkedStacks = true;
  /// Stack frames from generating code for a clone (true) or estimated
  /// from the IR (`frames=ir`).
  bool FramesFromCodegen = true;

  /// Parses one `key[=value]`. On error returns false and sets Error to a
  /// message that names the argument, what was wrong and what to do.
  bool parse(const std::string &Arg, std::string &Error);

  /// The text printed for `help`.
  static std::string helpText();
  /// "help, report=<dir>, ..." for error messages.
  static std::string validKeys();
};

} // namespace weft

#endif
