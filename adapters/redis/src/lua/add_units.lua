-- Put ARGV[1] more units of a sale on sale, exactly once per restock id ARGV[2]: the sale's
-- stock and remaining grow, and the product is announced on the stock-returned channel so API
-- processes that answer "sold out" from memory ask the gate again. Nothing for a sale the gate
-- does not hold.
-- KEYS[1] sale hash, KEYS[2] restocks set
-- ARGV[1] units, ARGV[2] restock id, ARGV[3] stock-returned channel, ARGV[4] product id
-- Returns 1 when the gate holds the sale (the units added now or before), else 0.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'stock', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'remaining', ARGV[1])
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return 1
