-- Let a sale that ended long ago expire at ARGV[1] (ms since the epoch): its sale hash, buyers,
-- in-flight and withdrawn hashes and restocks set get that expiry (those that exist). Idempotent.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] withdrawn hash,
-- KEYS[5] restocks set
-- ARGV[1] when the keys expire (ms)
-- Returns how many keys got the expiry.
local set = 0
for i = 1, #KEYS do
  set = set + redis.call('PEXPIREAT', KEYS[i], ARGV[1])
end
return set
