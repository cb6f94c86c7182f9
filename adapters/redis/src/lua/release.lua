-- End a reservation exactly once: only while the buyer's marker still names this request, the
-- marker goes and, when ARGV[3] is '1' or 'w', the units go back into stock (release; '0'
-- discards them) and the product is announced on the stock-returned channel, so API processes
-- that answer "sold out" from memory ask the gate again. 'w' (withdraw) also remembers the
-- reservation in the withdrawn hash, so that lua/settle.lua takes the units back should its
-- order be stored after all; a withdraw ends only a reservation still in flight, and none that
-- reconciliation claimed for re-publishing (lua/claim.lua marked its record ':r'): a copy of
-- its order is on its way, so its units stay taken. The in-flight record goes otherwise.
-- A cancel (the request's reserve answer was lost) also passes KEYS[5], the request's cancel
-- marker, set first for ARGV[6] ms: reserve.lua refuses a marked request, so a reserve that
-- arrives after the cancel takes nothing, and one that ran before is released here while it is
-- still in flight (a settled reservation is an order: a cancel leaves it alone).
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] withdrawn hash,
-- KEYS[5] optional cancel marker
-- ARGV[1] user, ARGV[2] request id, ARGV[3] '1' to restock, '0' to discard, 'w' to withdraw,
-- ARGV[4] stock-returned channel, ARGV[5] product id, ARGV[6] cancel marker lifetime (ms)
-- Returns 1 released, 0 not held, 2 re-published (a withdraw that ended nothing).
if KEYS[5] then
  redis.call('SET', KEYS[5], '1', 'PX', ARGV[6])
end
if ARGV[3] == 'w' then
  local record = redis.call('HGET', KEYS[3], ARGV[2])
  if not record then return 0 end
  if string.sub(record, -2) == ':r' then return 2 end
end
redis.call('HDEL', KEYS[3], ARGV[2])
local held = redis.call('HGET', KEYS[2], ARGV[1])
if not held then return 0 end
local separator = string.find(held, ':', 1, true)
if string.sub(held, 1, separator - 1) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[3] == 'w' then
  redis.call('HSET', KEYS[4], ARGV[2], ARGV[1] .. ':' .. string.sub(held, separator + 1))
end
if ARGV[3] ~= '0' and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(string.sub(held, separator + 1)))
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1
