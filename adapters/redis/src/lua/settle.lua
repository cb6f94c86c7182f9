-- Settle reservations of one product whose orders are stored: each leaves the in-flight hash.
-- One withdrawn before (lua/release.lua 'w': its publish was reported failed, its order was
-- stored after all) takes its units back, never below zero (units sold again meanwhile are
-- the system of record's to refuse), and its buyer's marker unless the buyer holds another:
-- exactly once, since its withdrawn record goes with it.
-- KEYS[1] sale hash, KEYS[2] buyers hash, KEYS[3] in-flight hash, KEYS[4] withdrawn hash
-- ARGV triples: request id, user, quantity
-- Returns how many withdrawn reservations were taken back.
local reclaimed = 0
for i = 1, #ARGV, 3 do
  local request, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  redis.call('HDEL', KEYS[3], request)
  if redis.call('HDEL', KEYS[4], request) == 1 then
    if redis.call('EXISTS', KEYS[1]) == 1 then
      local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
      redis.call('HSET', KEYS[1], 'remaining', math.max(0, remaining - quantity))
    end
    redis.call('HSETNX', KEYS[2], user, request .. ':' .. quantity)
    reclaimed = reclaimed + 1
  end
end
return reclaimed
