-- Store a purchase record unless a final one is stored (first final wins) or the new one is
-- pending while one is stored already.
-- KEYS[1] purchase key
-- ARGV[1] encoded record (starts with P, S or F), ARGV[2] time to live (seconds)
-- Returns 1 stored, 0 kept.
local stored = redis.call('GET', KEYS[1])
if stored and (string.sub(stored, 1, 1) ~= 'P' or string.sub(ARGV[1], 1, 1) == 'P') then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
