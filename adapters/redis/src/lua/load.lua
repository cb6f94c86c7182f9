-- Load a sale unless it is live already: a restart in the middle of a sale resets nothing. A
-- load is announced on the stock-returned channel (units may be there again).
-- KEYS[1] sale hash, KEYS[2] buyers hash
-- ARGV[1] stock, ARGV[2] remaining, ARGV[3] starts (ms), ARGV[4] ends (ms), ARGV[5] limit,
-- ARGV[6] stock-returned channel, ARGV[7] product id, ARGV[8] '1' paused or '0', then pairs:
-- user, 'request:quantity' (or ':0' for a buyer barred from buying again, see restock.lua)
-- Returns 1 loaded, 0 kept live.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'stock', ARGV[1], 'remaining', ARGV[2], 'starts', ARGV[3],
  'ends', ARGV[4], 'limit', ARGV[5], 'paused', ARGV[8])
for i = 9, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 1
