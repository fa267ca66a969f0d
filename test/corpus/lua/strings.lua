-- The string library: find/match/gsub/gmatch patterns, format, rep,
-- byte/char, pack/unpack, utf8, and long strings.
local function check(c, msg) if not c then error("strings: " .. msg, 2) end end

check(("hello world"):find("o w") == 5, "find plain")
check(("hello world"):match("(%a+) (%a+)") == "hello", "match captures")
check(select(2, ("abc abc abc"):gsub("b", "B")) == 3, "gsub count")
check(("key=val; k2=v2"):gsub("(%w+)=(%w+)", "%2=%1") == "val=key; v2=k2", "gsub backrefs")
check(("abc"):gsub("%w", {a = "1", b = false}) == "1bc", "gsub table")
check(("hello"):gsub("l+", function(m) return #m end) == "he2o", "gsub function")
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w end
check(#words == 4 and words[4] == "fox", "gmatch")
check(("THE (quick) fox"):find("%((%a+)%)") == 5, "escaped parens")
check(("  trim  "):match("^%s*(.-)%s*$") == "trim", "lazy match")
check(("[[x]]"):match("%b[]") == "[[x]]", "balanced")
check(("THE END"):find("%f[%a]%a+$") == 5, "frontier")
check(string.rep("ab", 3, ",") == "ab,ab,ab", "rep with separator")
check(#string.rep("x", 1 << 20) == 1 << 20, "rep large")
check(string.format("%5d|%-5s|%x|%q", 42, "ab", 255, "a\n\"b") == '   42|ab   |ff|"a\\\n\\"b"', "format")
check(string.format("%g %g %.14g", 1e300, 0.1, 2^53) == "1e+300 0.1 9.007199254741e+15", "format floats")
check(string.format("%a", 1.0):find("0x1") == 1, "format %a")
check(string.format("%s %s", nil, true) == "nil true", "format %s")
check(string.byte("ABC", 1, -1) == 65 and string.char(72, 105) == "Hi", "byte/char")
check(("abc"):upper() == "ABC" and ("ABC"):lower() == "abc" and ("abc"):reverse() == "cba", "case/reverse")
check(("abcdef"):sub(-3) == "def" and ("abcdef"):sub(2, 3) == "bc", "sub")

-- pack/unpack
local p = string.pack("<i4 >i8 d z s2", -2, 1 << 40, 1.5, "zs", "len")
local a, b, c, d, e = string.unpack("<i4 >i8 d z s2", p)
check(a == -2 and b == 1 << 40 and c == 1.5 and d == "zs" and e == "len", "pack/unpack")
check(string.packsize("i4 i8") == 12 and string.packsize("!i4 i8") == 16, "packsize alignment")

-- utf8
local u = utf8.char(72, 228, 8364, 128512)
check(utf8.len(u) == 4 and #u == 1 + 2 + 3 + 4, "utf8 char/len")
local cps = {}
for _, cp in utf8.codes(u) do cps[#cps + 1] = cp end
check(cps[3] == 8364 and cps[4] == 128512, "utf8 codes")
check(utf8.offset(u, 3) == 4 and utf8.codepoint(u, 4) == 8364, "utf8 offset/codepoint")
check(utf8.len("\xff") == nil, "utf8 invalid")

-- string building and interning
local parts = {}
for i = 1, 100000 do parts[i] = tostring(i) end
local big = table.concat(parts, ",")
check(#big == 588894, "concat large: " .. #big)
local n = 0
for _ in big:gmatch("[^,]+") do n = n + 1 end
check(n == 100000, "split large")
check(("x"):rep(40) == ("x"):rep(40) and ("long string ").."a" == "long string a", "interning/equality")

-- a pattern too complex: a Lua error, not a crash
local ok, err = pcall(string.rep, "x", -1)
check(ok and err == "", "rep negative")
ok, err = pcall(string.find, "a", "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))")
check(not ok and err:find("too many captures"), "too many captures")
print("strings ok")
