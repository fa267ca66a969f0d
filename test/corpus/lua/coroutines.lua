-- Coroutines: resume/yield, wrap, status, yield across pcall and
-- metamethods, many coroutines alive at once, close.
local function check(c, msg) if not c then error("coroutines: " .. msg, 2) end end

local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
local ok, v = coroutine.resume(co, 1, 2); check(ok and v == 3, "first resume")
ok, v = coroutine.resume(co, 10);        check(ok and v == 20, "second resume")
ok, v = coroutine.resume(co, 3, 4);      check(ok and v == 7, "return")
check(coroutine.status(co) == "dead", "dead")
check(not coroutine.resume(co), "resume dead")

-- generators
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for i in range(1000) do s = s + i end
check(s == 500500, "wrap generator")

-- yield across pcall and through a metamethod
local co2 = coroutine.wrap(function()
  local ok2, r = pcall(function() coroutine.yield(1); error("boom") end)
  coroutine.yield(ok2 == false and r:find("boom") and 2)
  local t = setmetatable({}, {__index = function(_, k) return coroutine.yield(k) end})
  return t.key
end)
check(co2() == 1 and co2() == 2 and co2() == "key" and co2("val") == "val", "yield across pcall/metamethod")

-- yield from inside table.sort's comparator is not allowed (C boundary)
local co3 = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield(); return a < b end)
end)
ok, v = coroutine.resume(co3)
check(not ok and v:find("yield across"), "yield across C boundary: " .. tostring(v))

-- many coroutines at once, interleaved
local cos = {}
for i = 1, 5000 do
  cos[i] = coroutine.create(function(x)
    local acc = 0
    for k = 1, 10 do acc = acc + coroutine.yield(acc) + x end
    return acc
  end)
end
for i = 1, 5000 do coroutine.resume(cos[i], i) end
for round = 1, 10 do
  for i = 1, 5000 do coroutine.resume(cos[i], round) end
end
for i = 1, 5000 do check(coroutine.status(cos[i]) == "dead", "all finished") end

-- nested coroutines, each resuming the next
local function chain(n)
  if n == 0 then return coroutine.yield("bottom") end
  local c = coroutine.wrap(chain)
  return c(n - 1)
end
check(coroutine.wrap(chain)(150) == "bottom", "nested resumes")

-- coroutine.close runs to-be-closed variables
local closed = false
local co4 = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() closed = true end})
  coroutine.yield()
end)
coroutine.resume(co4)
check(coroutine.close(co4) and closed, "close runs __close")

check(coroutine.isyieldable() == false, "main is not yieldable")
check(select(2, coroutine.running()) == true, "running in main")
print("coroutines ok")
