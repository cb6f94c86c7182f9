-- Store the final purchase records of one hash slot, and point buyers at their latest request.
-- A record is stored unless one is kept already (the first final state wins), except the one
-- record named as replaceable, which it replaces (a success replacing the queue_unavailable
-- failure of the same request: Purchase::supersedes). A latest pointer is always set.
-- KEYS[1..n] the purchase keys, KEYS[n+1..] the latest-request keys
-- ARGV[1] seconds to keep everything, ARGV[2] n, then per purchase key two values: its encoded
-- record and the replaceable record (or ''); then per latest-request key its request id
-- Returns how many records were stored.
local ttl, records = ARGV[1], tonumber(ARGV[2])
local stored = 0
for i = 1, records do
  local kept = redis.call('GET', KEYS[i])
  if not kept or kept == ARGV[2 * i + 2] then
    redis.call('SET', KEYS[i], ARGV[2 * i + 1], 'EX', ttl)
    stored = stored + 1
  end
end
for i = records + 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[records + i + 2], 'EX', ttl)
end
return stored
