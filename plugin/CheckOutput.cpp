//===- CheckOutput.cpp ----------------------------------------------------===//
#include "CheckOutput.h"

#include "WholeProgram.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <deque>

using namespace llvm;

namespace weft {

std::string ruleOf(StringRef Msg) {
  size_t At = Msg.rfind("[weft-");
  if (At == StringRef::npos)
    return "clang";
  size_t End = Msg.find(']', At);
  return Msg.substr(At + 1, End == StringRef::npos ? StringRef::npos : End - At - 1).str();
}

namespace {

const char *levelName(Severity S) {
  switch (S) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  case Severity::Remark:
    return "note";
  }
  return "note";
}

json::Value sarifLocation(const Finding &F) {
  json::Object Phys{{"artifactLocation", json::Object{{"uri", "file://" + F.File}}}};
  if (F.Line)
    Phys["region"] = json::Object{{"startLine", F.Line}, {"startColumn", F.Column ? F.Column : 1}};
  return json::Object{{"physicalLocation", std::move(Phys)}};
}

std::string writeFile(const std::string &Path, function_ref<void(raw_ostream &)> Write) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (EC)
    return "cannot write '" + Path + "': " + EC.message();
  Write(OS);
  if (OS.has_error()) {
    std::string Msg = "cannot write '" + Path + "': " + OS.error().message();
    OS.clear_error();
    return Msg;
  }
  return "";
}

std::string html(StringRef S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += "&quot;";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

/// Source files, read once, split in lines.
class Sources {
public:
  /// Line `N` (1-based) of `File`, or none.
  std::optional<StringRef> line(const std::string &File, unsigned N) {
    auto [It, New] = Files.try_emplace(File);
    if (New) {
      if (ErrorOr<std::unique_ptr<MemoryBuffer>> B = MemoryBuffer::getFile(File)) {
        It->second.Buffer = std::move(*B);
        SmallVector<StringRef, 0> Lines;
        It->second.Buffer->getBuffer().split(Lines, '\n');
        It->second.Lines.assign(Lines.begin(), Lines.end());
      }
    }
    if (N == 0 || N > It->second.Lines.size())
      return std::nullopt;
    return It->second.Lines[N - 1].rtrim("\r");
  }

private:
  struct File {
    std::unique_ptr<MemoryBuffer> Buffer;
    std::vector<StringRef> Lines;
  };
  StringMap<File> Files;
};

std::string shortPath(StringRef File, StringRef Project) {
  if (File.starts_with(Project) && File.size() > Project.size() &&
      File[Project.size()] == '/')
    return File.drop_front(Project.size() + 1).str();
  return File.str();
}

/// A snippet: `Context` lines either side of the finding's line, that line
/// marked, with a caret under its column.
void snippet(raw_ostream &OS, Sources &Src, const Finding &F, unsigned Context) {
  if (!F.Line)
    return;
  unsigned First = F.Line > Context ? F.Line - Context : 1;
  std::string Body;
  for (unsigned N = First; N <= F.Line + Context; ++N) {
    std::optional<StringRef> L = Src.line(F.File, N);
    if (!L)
      break;
    bool At = N == F.Line;
    Body += formatv("<span class=\"ln{0}\">{1,5} | {2}</span>\n", At ? " at" : "", N, html(*L));
    if (At && F.Column)
      Body += "<span class=\"caret\">" + std::string(8 + F.Column - 1, ' ') + "^</span>\n";
  }
  if (!Body.empty())
    OS << "<pre class=\"src\">" << Body << "</pre>\n";
}

const char *stateClass(Blocking B) {
  return B == Blocking::Blocks ? "blocks" : B == Blocking::Unknown ? "unknown" : "no";
}

std::string displayOf(const ProgramFunction &F) { return displayName(F.Symbol); }

/// The blocking graph from the program's roots: functions with atomic
/// sections, thread entries and main, then what they call, breadth first,
/// up to `Limit` functions; drawn in layers by depth, left to right.
void blockingGraphSVG(raw_ostream &OS, const WholeProgram &P, StringRef Project,
                      unsigned Limit) {
  StringSet<> RootNames;
  for (const UnitSummary &U : P.units()) {
    for (const SectionSummary &S : U.Sections)
      RootNames.insert(S.Function);
    for (const FunctionSummary &F : U.Functions)
      for (const std::string &E : F.Spawns)
        RootNames.insert(E);
  }
  RootNames.insert("main");
  std::vector<const ProgramFunction *> Order;
  DenseMap<const ProgramFunction *, unsigned> Depth;
  std::deque<const ProgramFunction *> Queue;
  for (const auto &F : P.functions())
    if (F->Summary->Defined && RootNames.count(F->Symbol) && Depth.try_emplace(F.get(), 0).second)
      Queue.push_back(F.get());
  while (!Queue.empty() && Order.size() < Limit) {
    const ProgramFunction *F = Queue.front();
    Queue.pop_front();
    Order.push_back(F);
    for (const ProgramCall &C : F->Calls)
      for (const ProgramFunction *G : C.Callees)
        if (G->State != Blocking::No && Depth.try_emplace(G, Depth[F] + 1).second)
          Queue.push_back(G);
  }
  if (Order.empty()) {
    OS << "<p>No roots: no atomic sections, thread entries or main.</p>\n";
    return;
  }
  DenseMap<const ProgramFunction *, std::pair<unsigned, unsigned>> Pos;
  std::vector<unsigned> PerLayer;
  for (const ProgramFunction *F : Order) {
    unsigned L = Depth[F];
    if (PerLayer.size() <= L)
      PerLayer.resize(L + 1, 0);
    Pos[F] = {L, PerLayer[L]++};
  }
  const unsigned W = 190, H = 26, GapX = 60, GapY = 12, Margin = 10;
  unsigned Rows = *std::max_element(PerLayer.begin(), PerLayer.end());
  unsigned Width = Margin * 2 + PerLayer.size() * (W + GapX);
  unsigned Height = Margin * 2 + Rows * (H + GapY);
  auto X = [&](const ProgramFunction *F) { return Margin + Pos[F].first * (W + GapX); };
  auto Y = [&](const ProgramFunction *F) { return Margin + Pos[F].second * (H + GapY); };
  OS << formatv("<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
                "height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n",
                Width, Height);
  OS << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        "markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
        "fill=\"#777\"/></marker></defs>\n";
  unsigned Edges = 0;
  for (const ProgramFunction *F : Order)
    for (const ProgramCall &C : F->Calls)
      for (const ProgramFunction *G : C.Callees) {
        auto It = Pos.find(G);
        if (It == Pos.end() || G == F)
          continue;
        ++Edges;
        OS << formatv("<line class=\"edge{4}\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{3}\" "
                      "marker-end=\"url(#arrow)\"/>\n",
                      X(F) + W, Y(F) + H / 2, X(G), Y(G) + H / 2, C.Indirect ? " indirect" : "");
      }
  for (const ProgramFunction *F : Order) {
    std::string Name = displayOf(*F);
    std::string Label = Name.size() > 26 ? Name.substr(0, 25) + "…" : Name;
    OS << formatv("<g class=\"node {0}\" data-name=\"{1}\"><title>{1}: {2} ({3})</title>"
                  "<rect x=\"{4}\" y=\"{5}\" width=\"{6}\" height=\"{7}\" rx=\"4\"/>"
                  "<text x=\"{8}\" y=\"{9}\">{10}</text></g>\n",
                  stateClass(F->State), html(Name), toString(F->State),
                  html(shortPath(P.unitName(*F), Project)), X(F), Y(F), W, H, X(F) + 6,
                  Y(F) + 17, html(Label));
  }
  OS << "</svg>\n";
  OS << formatv("<p class=\"small\">{0} functions and {1} calls from {2} roots{3}. Red: may "
                "block; orange: unknown; green: never blocks. Dashed: through a pointer.</p>\n",
                Order.size(), Edges, PerLayer[0],
                Order.size() >= Limit ? formatv(" (the first {0})", Limit).str() : "");
}

/// Every atomic section with the locks it takes (its locations, its calls'
/// included), and the sections it may conflict with: those that share a
/// location, and every other one when either is coarse.
void sectionsTable(raw_ostream &OS, const WholeProgram &P, StringRef Project) {
  struct Row {
    const SectionSummary *S;
    std::string Function, Where;
    LocationSet L;
  };
  std::vector<Row> Rows;
  for (unsigned U = 0; U < P.units().size(); ++U)
    for (const SectionSummary &S : P.units()[U].Sections)
      Rows.push_back({&S, displayName(S.Function),
                      shortPath(S.Loc.File, Project) + ":" + std::to_string(S.Loc.Line),
                      P.sectionLocations(U, S)});
  OS << "<h2>Atomic sections</h2>\n";
  if (Rows.empty()) {
    OS << "<p id=\"no-sections\">No atomic sections.</p>\n";
    return;
  }
  OS << "<table id=\"sections\"><thead><tr><th>section</th><th>in</th><th>locks</th>"
        "<th>may conflict with</th></tr></thead><tbody>\n";
  for (const Row &R : Rows) {
    std::string Locks;
    if (R.L.Unbounded)
      Locks = "coarse: " + R.L.Why;
    for (const std::string &N : R.L.Names)
      if (!R.L.Unbounded)
        Locks += (Locks.empty() ? "" : ", ") + N;
    if (Locks.empty())
      Locks = "none (touches only its own stack)";
    std::string With;
    for (const Row &O : Rows) {
      if (&O == &R)
        continue;
      bool Shares = R.L.Unbounded || O.L.Unbounded;
      for (const std::string &N : R.L.Names)
        Shares |= O.L.Names.count(N) != 0;
      if (Shares)
        With += (With.empty() ? "" : ", ") + O.Where;
    }
    OS << "<tr class=\"" << (R.L.Unbounded ? "coarse" : "locked") << "\"><td class=\"loc\">"
       << html(R.Where) << "</td><td>" << html(R.Function) << "</td><td>" << html(Locks)
       << "</td><td>" << html(With.empty() ? "none: runs in parallel with every other" : With)
       << "</td></tr>\n";
  }
  OS << "</tbody></table>\n";
}

} // namespace

std::string writeSarif(const std::string &Path, const std::vector<Finding> &Findings,
                       StringRef Version) {
  json::Array Results;
  std::vector<std::string> Rules;
  for (const Finding &F : Findings) {
    std::string Rule = ruleOf(F.Message);
    if (std::find(Rules.begin(), Rules.end(), Rule) == Rules.end())
      Rules.push_back(Rule);
    json::Object O{{"ruleId", Rule},
                   {"level", levelName(F.Level)},
                   {"message", json::Object{{"text", F.Message}}}};
    if (!F.File.empty())
      O["locations"] = json::Array{sarifLocation(F)};
    json::Array Related;
    for (const Finding &N : F.Notes) {
      if (N.File.empty())
        continue;
      json::Object L = std::move(*sarifLocation(N).getAsObject());
      L["message"] = json::Object{{"text", N.Message}};
      Related.push_back(std::move(L));
    }
    if (!Related.empty())
      O["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(O));
  }
  std::sort(Rules.begin(), Rules.end());
  json::Array RulesJSON;
  for (const std::string &R : Rules)
    RulesJSON.push_back(json::Object{{"id", R}});
  json::Value Doc = json::Object{
      {"version", "2.1.0"},
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"runs", json::Array{json::Object{
                   {"tool", json::Object{{"driver", json::Object{{"name", "weft-check"},
                                                                 {"version", Version},
                                                                 {"rules", std::move(RulesJSON)}}}}},
                   {"results", std::move(Results)}}}}};
  return writeFile(Path, [&](raw_ostream &OS) { OS << formatv("{0:2}", Doc) << "\n"; });
}

std::string writeHtml(const std::string &Path, const std::vector<Finding> &Findings,
                      const WholeProgram &P, StringRef Project) {
  Sources Src;
  unsigned Errors = 0, Warnings = 0, Defined = 0, Blocks = 0, Unknown = 0;
  for (const Finding &F : Findings)
    (F.Level == Severity::Error ? Errors : Warnings) += F.Level != Severity::Note;
  for (const auto &F : P.functions()) {
    if (!F->Summary->Defined)
      continue;
    ++Defined;
    Blocks += F->State == Blocking::Blocks;
    Unknown += F->State == Blocking::Unknown;
  }
  return writeFile(Path, [&](raw_ostream &OS) {
    OS << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>weft-check: "
       << html(Project) << "</title>\n<style>\n"
       << "body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}"
          "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
          ".finding{border-left:4px solid #c33;padding:.2em .8em;margin:.8em 0}"
          ".finding.warning{border-color:#e90}.msg{font-weight:bold}"
          ".note{margin:.3em 0 .3em 1.2em;color:#444}.loc{font-family:monospace;color:#555}"
          "pre.src{background:#f6f6f6;padding:.3em .6em;margin:.2em 0;overflow-x:auto}"
          ".ln.at{background:#fde2e2;display:inline-block;min-width:100%}.caret{color:#c33}"
          "svg{border:1px solid #ddd;background:#fff}"
          ".node rect{stroke:#555;stroke-width:1}.node text{font:11px monospace}"
          ".node.blocks rect{fill:#f6c4c4}.node.unknown rect{fill:#fbe0b4}.node.no rect{fill:#cdebc9}"
          ".edge{stroke:#888;stroke-width:1}.edge.indirect{stroke-dasharray:4 3}"
          "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;"
          "font-size:12px;text-align:left}td.num{text-align:right}"
          "tr.blocks td.state{color:#b00}tr.unknown td.state{color:#b70}tr.no td.state{color:#070}"
          ".small{color:#666;font-size:12px}\n"
       << "</style></head>\n<body>\n";
    OS << "<h1>weft-check: " << html(Project) << "</h1>\n";
    OS << formatv("<p id=\"totals\">{0} units, {1} functions defined: {2} may block, {3} "
                  "unknown. <b>{4} errors, {5} warnings.</b></p>\n",
                  P.units().size(), Defined, Blocks, Unknown, Errors, Warnings);

    OS << "<h2>Findings</h2>\n";
    if (Findings.empty())
      OS << "<p id=\"no-findings\">No findings.</p>\n";
    for (const Finding &F : Findings) {
      OS << "<div class=\"finding " << levelName(F.Level) << "\" data-rule=\""
         << html(ruleOf(F.Message)) << "\">\n<div><span class=\"loc\">"
         << html(shortPath(F.File, Project));
      if (F.Line)
        OS << ":" << F.Line << ":" << F.Column;
      OS << "</span> " << levelName(F.Level) << ": <span class=\"msg\">" << html(F.Message)
         << "</span></div>\n";
      snippet(OS, Src, F, 2);
      for (const Finding &N : F.Notes) {
        OS << "<div class=\"note\"><span class=\"loc\">" << html(shortPath(N.File, Project));
        if (N.Line)
          OS << ":" << N.Line << ":" << N.Column;
        OS << "</span> note: " << html(N.Message) << "\n";
        snippet(OS, Src, N, 0);
        OS << "</div>\n";
      }
      OS << "</div>\n";
    }

    sectionsTable(OS, P, Project);

    OS << "<h2>Blocking graph</h2>\n";
    blockingGraphSVG(OS, P, Project, 150);

    OS << "<h2>Functions</h2>\n<p><input id=\"filter\" placeholder=\"filter by name\" "
          "size=\"30\"> <span id=\"shown\" class=\"small\"></span></p>\n";
    OS << "<table id=\"functions\"><thead><tr><th>function</th><th>where</th><th>answer</th>"
          "<th>why</th><th>frame bytes</th><th>bound bytes</th></tr></thead><tbody>\n";
    std::vector<const ProgramFunction *> Fns;
    for (const auto &F : P.functions())
      if (F->Summary->Defined)
        Fns.push_back(F.get());
    std::sort(Fns.begin(), Fns.end(), [&](const ProgramFunction *A, const ProgramFunction *B) {
      if (A->Summary->Loc.File != B->Summary->Loc.File)
        return A->Summary->Loc.File < B->Summary->Loc.File;
      return A->Summary->Loc.Line < B->Summary->Loc.Line;
    });
    for (const ProgramFunction *F : Fns) {
      std::string Why;
      if (F->Why == Origin::Annotated)
        Why = "WEFT_BLOCKING";
      else if (F->Summary->AnnotatedNonBlocking)
        Why = "WEFT_NONBLOCKING";
      else if (F->Why == Origin::Body && F->WitnessCallee)
        Why = "calls " + displayOf(*F->WitnessCallee);
      else if (F->Why == Origin::Body)
        Why = "an indirect call with no known target";
      OS << "<tr class=\"" << stateClass(F->State) << "\"><td>" << html(displayOf(*F))
         << "</td><td class=\"loc\">" << html(shortPath(F->Summary->Loc.File, Project)) << ":"
         << F->Summary->Loc.Line << "</td><td class=\"state\">" << toString(F->State)
         << "</td><td>" << html(Why) << "</td><td class=\"num\">"
         << (F->Summary->FrameBytes ? std::to_string(*F->Summary->FrameBytes) : "-")
         << "</td><td class=\"num\">"
         << (F->BoundBytes ? std::to_string(*F->BoundBytes) : html(F->Unbounded)) << "</td></tr>\n";
    }
    OS << "</tbody></table>\n";
    OS << "<p class=\"small\">Frame bytes: the IR estimate of each frame (sound, not tight; "
          "the plugin's report has the backend's exact frames). Bound bytes: the frame and "
          "everything it calls, across files; none with recursion or a callee without a "
          "bound.</p>\n";
    OS << "<script>\n"
          "(function(){var rows=document.querySelectorAll('#functions tbody tr');"
          "var shown=document.getElementById('shown');"
          "function apply(){var q=document.getElementById('filter').value.toLowerCase();"
          "var n=0;rows.forEach(function(r){var ok=!q||r.cells[0].textContent.toLowerCase()"
          ".indexOf(q)>=0;r.style.display=ok?'':'none';if(ok)n++;});"
          "shown.textContent=n+' of '+rows.length+' shown';}"
          "document.getElementById('filter').addEventListener('input',apply);apply();"
          "document.body.setAttribute('data-ready','yes');})();\n"
          "</script>\n</body></html>\n";
  });
}

} // namespace weft
