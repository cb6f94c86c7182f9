-- Pause (ARGV[1] '1') or resume ('0') a sale: lua/reserve.lua refuses every new buy of a paused
-- sale. Nothing for a sale the gate does not hold.
-- KEYS[1] sale hash
-- Returns 1 when the gate holds the sale, else 0.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'paused', ARGV[1])
return 1
