-- Begin an attempt under a buyer's idempotency key, atomically. One clock decides: the
-- caller's, ARGV[1]; the record's own TTL only frees the memory.
-- KEYS[1] the record, a hash: fp, request, held_until, expires_at, outcome (one key, tagged
-- with its buyer)
-- ARGV[1] now (ms), ARGV[2] fingerprint, ARGV[3] candidate request id, ARGV[4] lease (ms),
-- ARGV[5] time to live (ms)
-- Returns {'started'}, {'resumed', request}, {'in-progress'}, {'completed', outcome} or
-- {'mismatch'}.
local now = tonumber(ARGV[1])
local record = redis.call('HMGET', KEYS[1], 'fp', 'request', 'held_until', 'expires_at', 'outcome')
local held_until = string.format('%.0f', now + tonumber(ARGV[4]))
if record[1] and tonumber(record[4]) > now then
  if record[1] ~= ARGV[2] then return {'mismatch'} end
  if record[5] then return {'completed', record[5]} end
  if tonumber(record[3]) > now then return {'in-progress'} end
  redis.call('HSET', KEYS[1], 'held_until', held_until)
  return {'resumed', record[2]}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'request', ARGV[3], 'held_until', held_until,
  'expires_at', string.format('%.0f', now + tonumber(ARGV[5])))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {'started'}
