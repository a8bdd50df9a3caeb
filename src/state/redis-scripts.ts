/**
 * Lua scripts run atomically by Redis. Times come from the server's clock (`TIME`), so replicas whose clocks
 * differ still agree on every bucket.
 */

/** KEYS[1] bucket; ARGV cost, capacity, refill per second → {ok 0|1, retryAfterMs, remaining as text}. */
export const TAKE_TOKENS = `
local cost = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or capacity
local at = tonumber(saved[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
local ok = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  ok = 1
else
  retry = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {ok, retry, tostring(tokens)}
`

/** KEYS[1] idempotency key; ARGV token, in-progress TTL → {'claimed'} | {'in_progress'} | {'done', reply}. */
export const CLAIM_KEY = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'PX', ARGV[2])
  return {'claimed'}
end
if string.sub(v, 1, 2) == 'd:' then return {'done', string.sub(v, 3)} end
return {'in_progress'}
`

/** KEYS[1]; ARGV expected value, new value, TTL → 1 when the key held the expected value and was replaced. */
export const REPLACE_IF = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`

/** KEYS[1]; ARGV expected value → 1 when the key held it and was deleted. */
export const DELETE_IF = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`
