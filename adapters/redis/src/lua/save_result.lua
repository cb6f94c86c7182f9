-- Store the final purchase records of one hash slot, and point buyers at their latest request.
-- A record is stored unless one is kept already (the first final state wins), except the one
-- record named as replaceable, which it replaces (a success replacing the queue_unavailable
-- failure of the same request: Purchase::supersedes). A record whose buyer's latest pointer
-- shares its slot (its request id names the product, as the ids the service makes do) moves
-- that pointer only when it is stored, so an older request saved again never hides a newer
-- one. A pointer whose record lives in another slot cannot know: it is always set.
-- KEYS[1..n] the purchase keys, KEYS[n+1..n+t] latest-request keys tied to a record of this
-- call, KEYS[n+t+1..] latest-request keys always set
-- ARGV[1] seconds to keep everything, ARGV[2] n, ARGV[3] t, then per purchase key four values:
-- its encoded record, the replaceable record (or ''), the index (1..t) of its tied latest key
-- (or 0) and its request id; then per always-set latest key its request id
-- Returns how many records were stored.
local ttl, records, tied = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local stored = 0
for i = 1, records do
  local at = 4 * i
  local kept = redis.call('GET', KEYS[i])
  if not kept or kept == ARGV[at + 1] then
    redis.call('SET', KEYS[i], ARGV[at], 'EX', ttl)
    stored = stored + 1
    local latest = tonumber(ARGV[at + 2])
    if latest > 0 then
      redis.call('SET', KEYS[records + latest], ARGV[at + 3], 'EX', ttl)
    end
  end
end
for i = records + tied + 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[4 * records + i - records - tied + 3], 'EX', ttl)
end
return stored
