-- Reserve units atomically: the same rules, in the same order, as the domain's Inventory.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash (one hash tag: the product)
-- ARGV[1] now (ms), ARGV[2] user, ARGV[3] request id, ARGV[4] quantity
-- Returns {1} reserved, {0} sold out, {-1} already purchased, {-2} not started, {-3} ended,
-- {-4, limit} above the per-user limit, {-5} unknown product.
local sale = redis.call('HMGET', KEYS[1], 'remaining', 'starts', 'ends', 'limit')
if not sale[1] then return {-5} end
local now = tonumber(ARGV[1])
if now < tonumber(sale[2]) then return {-2} end
if now >= tonumber(sale[3]) then return {-3} end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return {-1} end
local quantity = tonumber(ARGV[4])
local limit = tonumber(sale[4])
if quantity > limit then return {-4, limit} end
if tonumber(sale[1]) < quantity then return {0} end
redis.call('HINCRBY', KEYS[1], 'remaining', -quantity)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. ':' .. ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2] .. ':' .. ARGV[4] .. ':' .. ARGV[1])
return {1}
