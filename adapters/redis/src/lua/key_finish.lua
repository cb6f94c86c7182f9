-- End the attempt holding a buyer's idempotency key, only while the record names its request
-- and has no outcome yet.
-- KEYS[1] the record (see key_begin.lua)
-- ARGV[1] request id, ARGV[2] 'completed' (keep ARGV[3] as the outcome), 'unknown' (keep the
-- request id, let a retry resume at once) or 'nothing' (drop the record)
-- Returns 1 when the record changed, 0 otherwise.
local record = redis.call('HMGET', KEYS[1], 'request', 'outcome')
if record[1] ~= ARGV[1] or record[2] then return 0 end
if ARGV[2] == 'completed' then
  redis.call('HSET', KEYS[1], 'outcome', ARGV[3])
elseif ARGV[2] == 'unknown' then
  redis.call('HSET', KEYS[1], 'held_until', '0')
else
  redis.call('DEL', KEYS[1])
end
return 1
