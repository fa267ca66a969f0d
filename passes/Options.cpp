//===- Options.cpp - weft's plugin options --------------------------------===//
#include "Options.h"

#include <cctype>

namespace weft {

namespace {

struct KeyInfo {
  const char *Key;
  const char *Value; // null: takes no value
  const char *Help;
};

const KeyInfo Keys[] = {
    {"help", nullptr, "print these options and exit"},
    {"report", "<dir>", "write <dir>/<source>.weft.json for each translation unit"},
    {"graph", "<dir>", "write the blocking graph as Graphviz .dot files into <dir>"},
    {"db", "<dir>",
     "whole program: write this unit's summary into <dir> and check it against the "
     "summaries of the units already there"},
    {"live-state-threshold", "<bytes>",
     "warn when more than this many bytes of a frame are live across a blocking call "
     "(default 4096)"},
    {"scratch-threshold", "<bytes>",
     "move stack objects of at least this many bytes whose lifetime holds no blocking "
     "call into per-worker scratch memory (default 4096)"},
    {"max-path", "<bytes>", "linked stacks: longest path between checkpoints (default 2048)"},
    {"min-chunk", "<bytes>", "linked stacks: smallest segment (default 4096)"},
    {"workers", "<n>",
     "the program runs on n workers; 1: only the races one worker has (check-then-act)"},
    {"race-limit", "<n>",
     "whole program: races across units shown per pair of thread entries (default 5; 0: all)"},
    {"no-atomic", nullptr, "turn off the atomic-section check [weft-atomic]"},
    {"no-race", nullptr, "turn off race warnings [weft-race]"},
    {"no-live-state", nullptr, "turn off live-state warnings [weft-live-state]"},
    {"no-lock-held", nullptr,
     "turn off warnings about locks held across blocking calls [weft-lock-held]"},
    {"no-scratch", nullptr, "keep every stack object in its frame (no scratch memory)"},
    {"no-section-locks", nullptr,
     "do not infer atomic sections' locks: every section takes the coarse lock"},
    {"no-stack", nullptr, "turn off stack bounds and checkpoints [weft-stack]"},
    {"no-linked-stacks", nullptr,
     "insert no stack checkpoints: threads keep the first segment they start on"},
    {"linked-stacks", nullptr, "insert stack checkpoints that link new segments (the default)"},
    {"frames", "<codegen|ir>",
     "stack frames: measured by generating code for a clone of the module (default), "
     "or estimated from the IR (faster, looser)"},
    {"stats", nullptr, "print what the analyses found for each translation unit"},
};

bool parseSize(const std::string &Text, uint64_t &Out) {
  if (Text.empty())
    return false;
  uint64_t V = 0;
  size_t I = 0;
  for (; I < Text.size() && std::isdigit(static_cast<unsigned char>(Text[I])); ++I) {
    if (V > (UINT64_MAX - 9) / 10)
      return false;
    V = V * 10 + static_cast<uint64_t>(Text[I] - '0');
  }
  if (I == 0)
    return false;
  if (I < Text.size()) {
    if (I + 1 != Text.size())
      return false;
    char S = static_cast<char>(std::tolower(static_cast<unsigned char>(Text[I])));
    if (S == 'k')
      V <<= 10;
    else if (S == 'm')
      V <<= 20;
    else
      return false;
  }
  Out = V;
  return true;
}

} // namespace

std::string Options::validKeys() {
  std::string S;
  for (const KeyInfo &K : Keys) {
    if (!S.empty())
      S += ", ";
    S += K.Key;
    if (K.Value) {
      S += "=";
      S += K.Value;
    }
  }
  return S;
}

std::string Options::helpText() {
  std::string S = "weft plugin options (pass each as -fplugin-arg-weft-<key>[=<value>]):\n";
  for (const KeyInfo &K : Keys) {
    std::string Name = K.Key;
    if (K.Value)
      Name += std::string("=") + K.Value;
    S += "  " + Name;
    S += std::string(Name.size() < 30 ? 30 - Name.size() : 1, ' ');
    S += K.Help;
    S += "\n";
  }
  return S;
}

bool Options::parse(const std::string &Arg, std::string &Error) {
  std::string Key = Arg, Value;
  bool HasValue = false;
  if (size_t Eq = Arg.find('='); Eq != std::string::npos) {
    Key = Arg.substr(0, Eq);
    Value = Arg.substr(Eq + 1);
    HasValue = true;
  }
  const KeyInfo *Info = nullptr;
  for (const KeyInfo &K : Keys)
    if (Key == K.Key)
      Info = &K;
  std::string Where = "-fplugin-arg-weft-" + Arg;
  if (!Info) {
    Error = "weft: " + Where + ": unknown option '" + Key + "'; valid options are: " +
            validKeys();
    return false;
  }
  if (!Info->Value && HasValue) {
    Error = "weft: " + Where + ": option '" + Key + "' takes no value";
    return false;
  }
  if (Info->Value && (!HasValue || Value.empty())) {
    Error = "weft: " + Where + ": option '" + Key + "' needs a value: " + Key + "=" +
            Info->Value;
    return false;
  }
  auto Size = [&](uint64_t &Out, uint64_t Min) {
    uint64_t V;
    if (!parseSize(Value, V)) {
      Error = "weft: " + Where + ": expected a size in bytes (e.g. 2048)";
      return false;
    }
    if (V < Min) {
      Error = "weft: " + Where + ": must be at least " + std::to_string(Min);
      return false;
    }
    Out = V;
    return true;
  };
  if (Key == "help")
    Help = true;
  else if (Key == "report")
    ReportDir = Value;
  else if (Key == "graph")
    GraphDir = Value;
  else if (Key == "db")
    DbDir = Value;
  else if (Key == "live-state-threshold")
    return Size(LiveStateThreshold, 0);
  else if (Key == "scratch-threshold")
    return Size(ScratchThreshold, 1);
  else if (Key == "max-path")
    return Size(MaxPath, 64);
  else if (Key == "min-chunk")
    return Size(MinChunk, 1024);
  else if (Key == "workers")
    return Size(Workers, 1);
  else if (Key == "race-limit")
    return Size(RaceLimit, 0);
  else if (Key == "no-atomic")
    Atomic = false;
  else if (Key == "no-race")
    Race = false;
  else if (Key == "no-live-state")
    LiveState = false;
  else if (Key == "no-lock-held")
    LockHeld = false;
  else if (Key == "no-scratch")
    Scratch = false;
  else if (Key == "no-section-locks")
    SectionLocks = false;
  else if (Key == "no-stack")
    Stack = false;
  else if (Key == "stats")
    Stats = true;
  else if (Key == "linked-stacks")
    LinkedStacks = true;
  else if (Key == "no-linked-stacks")
    LinkedStacks = false;
  else if (Key == "frames") {
    if (Value != "codegen" && Value != "ir") {
      Error = "weft: " + Where + ": expected 'codegen' or 'ir'";
      return false;
    }
    FramesFromCodegen = Value == "codegen";
  }
  return true;
}

} // namespace weft
