-- Store a final purchase record unless one is kept already (the first final state wins),
-- except the one record ARGV[3] names, which this one replaces (a success replacing the
-- queue_unavailable failure of the same request: Purchase::supersedes).
-- KEYS[1] the purchase key
-- ARGV[1] the encoded record, ARGV[2] seconds to keep it, ARGV[3] the replaceable record or ''
-- Returns 1 stored, 0 kept the stored one.
local stored = redis.call('GET', KEYS[1])
if stored and stored ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
