-- Claim an in-flight reservation for re-publishing, before reconciliation queues it again:
-- its record `user:quantity:reserved_at_ms` gets the suffix ':r', and from then on
-- lua/release.lua refuses to withdraw or cancel it (a copy of its order is on its way).
-- KEYS[1] in-flight hash
-- ARGV[1] request id
-- Returns 1 claimed (now or before), 0 not in flight (nothing to re-publish).
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 0 end
if string.sub(record, -2) ~= ':r' then
  redis.call('HSET', KEYS[1], ARGV[1], record .. ':r')
end
return 1
