-- One buy, atomically: the product's rate limits, then the same rules, in the same order, as the
-- domain's Inventory; on success the units, the buyer's marker and the in-flight record (the
-- purchase's pending state). One clock decides: the caller's, ARGV[1].
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] the client's bucket,
-- KEYS[5] the buyer's bucket, KEYS[6] the request's cancel marker (one hash tag: the product)
-- ARGV[1] now (ms), ARGV[2] user, ARGV[3] request id, ARGV[4] quantity,
-- ARGV[5] client tokens per second, ARGV[6] client burst, ARGV[7] buyer tokens per second,
-- ARGV[8] buyer burst (a rate of 0 turns that bucket off)
-- Returns {1} reserved, {2, quantity} or {2, quantity, reserved_at_ms} this request id already
-- holds the buyer's units (settled, or in flight), {0, ends_ms, remaining} sold out, {-1} already purchased,
-- {-2} not started, {-3} ended, {-4, limit} above the per-user limit, {-5} unknown product,
-- {-6, milliseconds until a token is there} rate limited, {-7} the request was cancelled (its
-- answer had been given up for lost; see release.lua): it takes nothing, ever, {-8} paused
-- by an operator (the sale hash's `paused` is '1').
if redis.call('EXISTS', KEYS[6]) == 1 then return {-7} end
local sale = redis.call('HMGET', KEYS[1], 'remaining', 'starts', 'ends', 'limit', 'paused')
if not sale[1] then return {-5} end
local now = tonumber(ARGV[1])

-- A retried request id (its first answer lost) gets its reservation again, before any bucket
-- or rule, and nothing more is taken: the buyer's marker `request:quantity` names the request
-- holding their units; its in-flight record `user:quantity:reserved_at_ms` (':r' appended once
-- lua/claim.lua claimed it), if still there, keeps the instant.
local marker = redis.call('HGET', KEYS[2], ARGV[2])
if marker then
  local holder, held = string.match(marker, '^(.*):(%d+)$')
  if holder == ARGV[3] then
    local record = redis.call('HGET', KEYS[3], ARGV[3])
    if record then return {2, tonumber(held), tonumber(string.match(record, '^[^:]*:[^:]*:(%-?%d+)'))} end
    return {2, tonumber(held)}
  end
end

-- Takes one token from a bucket: 0 when taken, else the wait in milliseconds. A bucket expires
-- once it would be full again, so idle clients cost nothing; a refusal writes nothing.
local function take(key, rate, burst)
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(bucket[1])
  local at = tonumber(bucket[2])
  if tokens == nil or at == nil then
    tokens = burst
    at = now
  end
  if now > at then
    tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
    at = now
  end
  if tokens < 1 then return math.ceil((1 - tokens) / rate * 1000) end
  redis.call('HSET', key, 'tokens', string.format('%.6f', tokens - 1), 'at', string.format('%.0f', at))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
  return 0
end

local client_rate = tonumber(ARGV[5])
if client_rate > 0 then
  local wait = take(KEYS[4], client_rate, tonumber(ARGV[6]))
  if wait > 0 then return {-6, wait} end
end
local buyer_rate = tonumber(ARGV[7])
if buyer_rate > 0 then
  local wait = take(KEYS[5], buyer_rate, tonumber(ARGV[8]))
  if wait > 0 then return {-6, wait} end
end

if now < tonumber(sale[2]) then return {-2} end
if now >= tonumber(sale[3]) then return {-3} end
if sale[5] == '1' then return {-8} end
if marker then return {-1} end
local quantity = tonumber(ARGV[4])
local limit = tonumber(sale[4])
if quantity > limit then return {-4, limit} end
local remaining = tonumber(sale[1])
if remaining < quantity then return {0, tonumber(sale[3]), remaining} end
redis.call('HINCRBY', KEYS[1], 'remaining', -quantity)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. ':' .. ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2] .. ':' .. ARGV[4] .. ':' .. ARGV[1])
return {1}
