-- End a reservation exactly once: only while the buyer's marker still names this request, the
-- marker goes and, when ARGV[3] is '1' or 'w', the units go back into stock (release; '0'
-- discards them) and the product is announced on the stock-returned channel, so API processes
-- that answer "sold out" from memory ask the gate again. 'w' (withdraw) also remembers the
-- reservation in the withdrawn hash, so that lua/settle.lua takes the units back should its
-- order be stored after all. The in-flight record goes either way.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] withdrawn hash
-- ARGV[1] user, ARGV[2] request id, ARGV[3] '1' to restock, '0' to discard, 'w' to withdraw,
-- ARGV[4] stock-returned channel, ARGV[5] product id
-- Returns 1 released, 0 not held.
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
