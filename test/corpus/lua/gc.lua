-- The collector: full and incremental and generational cycles, weak
-- tables, finalizers, resurrection, to-be-closed variables, memory counts.
local function check(c, msg) if not c then error("gc: " .. msg, 2) end end

collectgarbage("collect")
local base = collectgarbage("count")
local function churn()
  local t = {}
  for i = 1, 200000 do t[i] = {i, tostring(i)} end
  check(collectgarbage("count") > base + 16384, "allocation counted")
end
churn()
collectgarbage("collect")
check(collectgarbage("count") < base + 4096, "garbage freed")

-- weak tables
local weakk = setmetatable({}, {__mode = "k"})
local weakv = setmetatable({}, {__mode = "v"})
local keep = {}
weakk[keep] = 1; weakk[{}] = 2
weakv[1] = keep; weakv[2] = {}
collectgarbage()
local nk = 0
for _ in pairs(weakk) do nk = nk + 1 end
check(nk == 1 and weakv[1] == keep and weakv[2] == nil, "weak tables")

-- ephemeron: a value that refers to its own key does not keep it
local eph = setmetatable({}, {__mode = "k"})
do local k = {}; eph[k] = {k} end
collectgarbage()
check(next(eph) == nil, "ephemeron")

-- finalizers, in reverse order of marking, and resurrection
local order = {}
for i = 1, 3 do setmetatable({}, {__gc = function() order[#order + 1] = i end}) end
collectgarbage()
check(#order == 3 and order[1] == 3 and order[3] == 1, "finalizer order")
local saved
do setmetatable({name = "zombie"}, {__gc = function(o) saved = o end}) end
collectgarbage()
check(saved and saved.name == "zombie", "resurrection")

-- an error in a finalizer is a warning, not a failure
setmetatable({}, {__gc = function() error("in finalizer") end})
collectgarbage()

-- incremental and generational modes, with steps
check(collectgarbage("incremental") ~= nil, "incremental")
for i = 1, 50 do local _ = {i}; collectgarbage("step", 10) end
collectgarbage("generational")
local live = {}
for i = 1, 100000 do
  local x = {i}
  if i % 100 == 0 then live[#live + 1] = x end
end
collectgarbage("incremental")
check(#live == 1000, "generational survivors")

-- to-be-closed variables, also on error
local log = {}
local function res(name) return setmetatable({}, {__close = function(_, e) log[#log + 1] = name .. (e and "!" or "") end}) end
do
  local a <close> = res("a")
  local b <close> = res("b")
end
check(log[1] == "b" and log[2] == "a", "close order")
pcall(function() local c <close> = res("c"); error("x") end)
check(log[3] == "c!", "close on error")

-- strings and closures churn
for i = 1, 20 do
  local t = {}
  for j = 1, 5000 do t[j] = function() return j .. i end end
end
collectgarbage()
print("gc ok")
