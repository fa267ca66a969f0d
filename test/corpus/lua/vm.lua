-- The VM: arithmetic, integers and floats, loops, closures, varargs,
-- tables, metatables, goto, integer division and bitwise operators.
local function check(c, msg) if not c then error("vm: " .. msg, 2) end end

check(1 + 2 == 3 and 7 // 2 == 3 and -7 // 2 == -4 and 7 % -3 == -2, "integer arithmetic")
check(math.type(1) == "integer" and math.type(1.0) == "float" and 3 / 2 == 1.5, "number types")
check(math.maxinteger + 1 == math.mininteger, "integer wrap-around")
check((0xF0 | 0x0F) == 0xFF and (0xFF & 0x0F) == 0x0F and (1 << 62) >> 61 == 2 and ~0 == -1, "bitwise")
check(2^10 == 1024.0 and 10 // 0.0 == math.huge, "float ops")

local s = 0
for i = 1, 1000000 do s = s + i end
check(s == 500000500000, "numeric for")
s = 0
for i = 10, 1, -3 do s = s + i end
check(s == 22, "for with negative step")
local f = 0
for x = 0.0, 1.0, 0.25 do f = f + x end
check(f == 2.5, "float for")

-- closures and upvalues
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
check(c1() == 3 and c2() == 1, "closures")
local fs = {}
for i = 1, 10 do fs[i] = function() return i end end
check(fs[3]() == 3 and fs[10]() == 10, "fresh loop variable per iteration")

-- varargs and multiple results
local function pack2(...) return select("#", ...), {...} end
local n, t = pack2(1, nil, 3, nil)
check(n == 4 and t[3] == 3, "varargs")
check(select(-1, 1, 2, 3) == 3, "select negative")
local function mr() return 1, 2, 3 end
check(#{mr(), mr()} == 4, "multiple results truncated")
check(table.unpack({1, 2, 3}, 2) == 2, "unpack")

-- tables
local tt = {}
for i = 1, 10000 do tt[i] = i * i end
check(#tt == 10000 and tt[100] == 10000, "array part")
for i = 1, 10000 do tt["k" .. i] = i end
local cnt = 0
for k, v in pairs(tt) do cnt = cnt + 1 end
check(cnt == 20000, "pairs")
tt[1.0] = "one"
check(tt[1] == "one", "float key normalised")

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__call = function(self, y) return self.x * y end
V.__len = function(self) return self.x end
V.__concat = function(a, b) return "V" .. (type(a) == "table" and a.x or a) .. (type(b) == "table" and b.x or b) end
V.__close = nil
local function new(x) return setmetatable({x = x}, V) end
local a, b = new(2), new(3)
check((a + b).x == 5 and a < b and a <= b and not (b < a), "arith/compare metamethods")
check(new(4) == new(4) and a(10) == 20 and #b == 3, "eq/call/len metamethods")
check(a .. "!" == "V2!", "concat metamethod")
local proxy = setmetatable({}, {__index = function(_, k) return k * 2 end,
                                 __newindex = function(t2, k, v) rawset(t2, k, v + 1) end})
proxy[1] = 1
check(proxy[1] == 2 and proxy[21] == 42, "__index/__newindex functions")

-- goto
do
  local i, acc = 1, 0
  ::top::
  if i <= 10 then acc = acc + i; i = i + 1; goto top end
  check(acc == 55, "goto loop")
end

-- integer/string coercions and comparisons
check("10" + 1 == 11 and 10 .. "" == "10" and tostring(1e15) == "1e+15", "coercions")
check(math.tointeger(3.0) == 3 and math.tointeger(3.5) == nil, "tointeger")
check(string.format("%.3f", math.pi) == "3.142", "format float")

-- recursion, deep in Lua (the Lua stack, not the C stack)
local function depth(k) if k == 0 then return 0 end return 1 + depth(k - 1) end
check(depth(100000) == 100000, "deep Lua recursion")
local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
check(fib(25) == 75025, "fib")

-- tail calls do not grow the stack
local function loop(k) if k == 0 then return "done" end return loop(k - 1) end
check(loop(1000000) == "done", "tail calls")

-- load and the compiler
local chunk = load("local a, b = ... return a * b + 1")
check(chunk(6, 7) == 43, "load")
local src = {"return "}
for i = 1, 150 do src[#src + 1] = "(" end
src[#src + 1] = "1"
for i = 1, 150 do src[#src + 1] = ")" end
check(load(table.concat(src))() == 1, "nested parentheses in the parser")
check(string.dump(fib) and load(string.dump(function() return 7 end))() == 7, "dump/undump")

print("vm ok")
