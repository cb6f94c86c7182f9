-- Holds a lease for one holder at a time, by the caller's clock: taken when free or lapsed,
-- renewed when already the holder's, refused while another holder's lasts. The key also
-- expires by Redis's clock after the time to live, so a lease nobody renews goes away.
-- KEYS[1] the lease (a hash: holder, until)
-- ARGV[1] holder, ARGV[2] now (ms since the epoch), ARGV[3] time to live (ms)
-- Returns 1 held by ARGV[1] until now + ttl, 0 held by another.
local current = redis.call('HMGET', KEYS[1], 'holder', 'until')
if current[1] and current[1] ~= ARGV[1] and tonumber(current[2]) > tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
