-- Move a sale's window (closed early, or extended), and keep its keys: an expiry set by
-- lua/retire.lua goes until the sale is retired again. Nothing for a sale the gate does not hold.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] withdrawn hash,
-- KEYS[5] restocks set
-- ARGV[1] starts (ms), ARGV[2] ends (ms)
-- Returns 1 when the gate holds the sale, else 0.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'starts', ARGV[1], 'ends', ARGV[2])
for i = 1, #KEYS do
  redis.call('PERSIST', KEYS[i])
end
return 1
