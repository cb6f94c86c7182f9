-- Return the units of an order cancelled or expired in the system of record, exactly once:
-- only while the buyer's marker still names the order's request. The units go back into stock
-- and the product is announced on the stock-returned channel (API processes that answer "sold
-- out" from memory ask the gate again). The marker goes when ARGV[3] is '1' (the buyer may buy
-- again); otherwise it becomes ':0', a marker naming no request and holding no units, which
-- reserve.lua refuses as already purchased and release.lua never matches. An in-flight record
-- left by a settle not yet run goes too.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash (one hash tag: the product)
-- ARGV[1] user, ARGV[2] request id, ARGV[3] '1' may buy again, '0' barred,
-- ARGV[4] stock-returned channel, ARGV[5] product id
-- Returns 1 returned, 0 not held.
local held = redis.call('HGET', KEYS[2], ARGV[1])
if not held then return 0 end
local holder, quantity = string.match(held, '^(.*):(%d+)$')
if holder ~= ARGV[2] then return 0 end
if ARGV[3] == '1' then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[2], ARGV[1], ':0')
end
redis.call('HDEL', KEYS[3], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(quantity))
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1
