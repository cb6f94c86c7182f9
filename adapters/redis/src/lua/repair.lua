-- Set a settled sale's units left to the system of record's count, only if nothing is in
-- flight and the gate still holds the count the caller saw (nothing moved since). Units that
-- come back are announced on the stock-returned channel.
-- KEYS[1] sale hash, KEYS[2] in-flight hash
-- ARGV[1] seen, ARGV[2] remaining, ARGV[3] stock-returned channel, ARGV[4] product id
-- Returns 1 repaired, 0 kept.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HLEN', KEYS[2]) > 0 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'remaining')) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'remaining', ARGV[2])
if tonumber(ARGV[2]) > tonumber(ARGV[1]) then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1
