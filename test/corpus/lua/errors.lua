-- Errors: pcall/xpcall, error objects and levels, tracebacks, runtime
-- errors from the VM and the libraries, stack overflows, and errors
-- across coroutines and metamethods.
local function check(c, msg) if not c then error("errors: " .. msg, 2) end end

local ok, e = pcall(error, {code = 42})
check(not ok and e.code == 42, "error object")
ok, e = pcall(function() error("lvl", 1) end)
check(e:find("errors.lua:%d+: lvl"), "position in message: " .. e)
ok, e = pcall(function() error("nolvl", 0) end)
check(e == "nolvl", "level 0")
ok, e = pcall(function() local x = nil; return x.field end)
check(e:find("attempt to index a nil value %(local 'x'%)"), "index nil: " .. e)
ok, e = pcall(function() return 1 + {} end)
check(e:find("arithmetic on a table value"), "arith: " .. e)
ok, e = pcall(function() return 1 // 0 end)
check(e:find("attempt to perform 'n//0'") or e:find("attempt to divide by zero"), "int div by zero: " .. e)
ok, e = pcall(function() return #5 end)
check(e:find("length of a number"), "len")
ok, e = pcall(string.rep)
check(e:find("bad argument #1 to '[%w.]*rep'"), "bad argument: " .. e)
ok, e = pcall(setmetatable, 1, {})
check(not ok, "setmetatable on number")

-- xpcall with a traceback handler
local tb
xpcall(function() local function inner() error("deep") end inner() end,
       function(m) tb = debug.traceback(m, 2) end)
check(tb:find("deep") and tb:find("stack traceback"), "traceback")

-- errors in handlers and nested pcalls
ok, e = xpcall(function() error("a") end, function() error("b") end)
check(not ok, "error in handler")
local depth = 0
local function nest(n) if n == 0 then error("bottom") end
  local ok2, e2 = pcall(nest, n - 1); depth = depth + 1; error(e2, 0) end
ok, e = pcall(nest, 100)
check(not ok and e:find("bottom") and depth == 100, "nested pcalls")

-- stack overflow in Lua code is a catchable error
local function inf(n) return 1 + inf(n + 1) end
ok, e = pcall(inf, 1)
check(not ok and e:find("stack overflow"), "Lua stack overflow: " .. tostring(e))

-- C stack overflow (too many nested C calls) is a catchable error
local function cdeep() return pcall(cdeep) end
ok = pcall(cdeep)
local mt = {}
mt.__index = function(t, k) return setmetatable({}, mt)[k] end
ok, e = pcall(function() return setmetatable({}, mt).x end)
check(not ok and (e:find("stack overflow") or e:find("C stack overflow")), "C stack overflow: " .. tostring(e))
ok, e = pcall(string.gsub, "x", "x", function() return string.gsub("x", "x", function() error("in gsub") end) end)
check(not ok and e:find("in gsub"), "error through gsub callbacks")

-- errors across coroutines
local co = coroutine.create(function() error({tag = "co"}) end)
ok, e = coroutine.resume(co)
check(not ok and e.tag == "co" and coroutine.status(co) == "dead", "error in coroutine")
local w = coroutine.wrap(function() error("wrapped") end)
ok, e = pcall(w)
check(not ok and e:find("wrapped"), "error through wrap")

-- load errors
local f, msg = load("return +")
check(not f and msg:find("unexpected symbol"), "syntax error: " .. tostring(msg))
f, msg = load(string.rep("(", 1000) .. "1" .. string.rep(")", 1000))
check(not f and (msg:find("overflow") or msg:find("too many")), "parser depth limit: " .. tostring(msg))

-- warn and tostring of errors
check(tostring(select(2, pcall(error))) == "nil", "error with no value")
print("errors ok")
