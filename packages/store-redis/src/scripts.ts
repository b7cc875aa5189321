/**
 * The Lua scripts that make each multi-step operation atomic on the Redis server.
 * @module
 */

/** DEL only while the key holds ARGV[1]. */
export const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** INCRBY, with the TTL (ARGV[2] ms) applied only when the counter is created. */
export const INCREMENT = `
local existed = redis.call('EXISTS', KEYS[1])
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`;

/**
 * A token bucket on the server's clock, so every instance shares one pace.
 * ARGV: perSecond, burst, cost. Returns 0 when granted, else ms to wait.
 */
export const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + ((now - at) / 1000) * rate)
local wait = 0
-- core's takeFromBucket rule, rounded up to whole ms: a Lua number comes back as an integer, and
-- 0.5 would arrive as 0, which means granted.
if tokens >= cost then tokens = tokens - cost else wait = math.max(1, math.ceil(((cost - tokens) / rate) * 1000)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 60000)
return wait`;

/**
 * Enqueue unless the key exists. KEYS: key->id, seq, open zset, job hash prefix (as ARGV[1]).
 * ARGV: jobPrefix, id, queue, key, payload, group, runAt, priority. Returns {id, created}.
 */
export const ENQUEUE = `
local existing = redis.call('GET', KEYS[1])
if existing then return {existing, 0} end
local seq = redis.call('INCR', KEYS[2])
local id = ARGV[2]
redis.call('SET', KEYS[1], id)
redis.call('HSET', ARGV[1] .. id, 'id', id, 'queue', ARGV[3], 'key', ARGV[4], 'payload', ARGV[5], 'grp', ARGV[6], 'state', 'pending', 'attempts', 0, 'runAt', ARGV[7], 'seq', seq, 'priority', ARGV[8])
redis.call('ZADD', KEYS[3], seq, id)
return {id, 1}`;

/**
 * Claim due jobs, one running per group, the earliest unfinished job of a group holding it; among
 * those, lower priority (aged: one level per ARGV[6] ms waited) first, then enqueue order.
 * KEYS: open zset. ARGV: jobPrefix, now, leaseMs, limit, scan, agingMs. Returns claimed ids.
 */
export const CLAIM = `
local now = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local aging = tonumber(ARGV[6])
local scan = tonumber(ARGV[5])
local held = {}
local due = {}
-- Enough due candidates to choose among by priority, without reading the whole backlog every claim.
local enough = math.max(64, limit * 8)
-- The open jobs are read a chunk at a time, oldest first: reading all \`scan\` ids at every claim cost
-- more than the claim itself behind a backlog.
local chunk = 128
local from = 0
while #due < enough and from < scan do
  local ids = redis.call('ZRANGE', KEYS[1], from, math.min(from + chunk, scan) - 1)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    if #due >= enough then break end
    local f = redis.call('HMGET', ARGV[1] .. id, 'state', 'runAt', 'leaseUntil', 'grp', 'priority', 'seq')
    local state, runAt, leaseUntil, grp = f[1], tonumber(f[2]), tonumber(f[3]), f[4]
    local grouped = grp ~= nil and grp ~= false and grp ~= ''
    if not (grouped and held[grp]) then
      if grouped then held[grp] = true end
      local open = state == 'pending' or (state == 'running' and (leaseUntil == nil or leaseUntil <= now))
      if open and runAt <= now then
        local rank = (tonumber(f[5]) or 1) - math.floor(math.max(0, now - runAt) / aging)
        table.insert(due, {id = id, rank = rank, seq = tonumber(f[6])})
      end
    end
  end
  from = from + chunk
end
table.sort(due, function(a, b) if a.rank ~= b.rank then return a.rank < b.rank end return a.seq < b.seq end)
local out = {}
for i = 1, math.min(limit, #due) do
  local id = due[i].id
  redis.call('HSET', ARGV[1] .. id, 'state', 'running', 'leaseUntil', now + lease)
  redis.call('HINCRBY', ARGV[1] .. id, 'attempts', 1)
  table.insert(out, id)
end
return out`;

/** Finish a job. KEYS: job hash, open zset, key->id. ARGV: state, field, value, keepMs, id, now. */
export const FINISH = `
redis.call('HSET', KEYS[1], 'state', ARGV[1], ARGV[2], ARGV[3], 'finishedAt', ARGV[6])
redis.call('HDEL', KEYS[1], 'leaseUntil')
redis.call('ZREM', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 1`;

/** Extend a running job's lease. KEYS: job hash. ARGV: leaseUntil. */
export const RENEW = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'leaseUntil', ARGV[1])
return 1`;

/** Put a running job back without counting the attempt. KEYS: job hash. ARGV: runAt. */
export const RELEASE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'pending', 'runAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'leaseUntil')
if tonumber(redis.call('HGET', KEYS[1], 'attempts')) > 0 then redis.call('HINCRBY', KEYS[1], 'attempts', -1) end
-- Each hand-back ages the job one priority level: released work is never starved by fresher work.
redis.call('HINCRBY', KEYS[1], 'priority', -1)
return 1`;

/**
 * Remove a job unless it runs under a live lease. KEYS: job hash. ARGV: key prefix, now (ms).
 * Returns 1 when removed. Its dedupe key goes only while it still names this job.
 */
export const ERASE_JOB = `
local f = redis.call('HMGET', KEYS[1], 'id', 'queue', 'key', 'state', 'leaseUntil')
if not f[1] then return 0 end
if f[4] == 'running' and tonumber(f[5] or '0') > tonumber(ARGV[2]) then return 0 end
local dedupe = ARGV[1] .. 'q:' .. f[2] .. ':key:' .. f[3]
if redis.call('GET', dedupe) == f[1] then redis.call('DEL', dedupe) end
redis.call('ZREM', ARGV[1] .. 'q:' .. f[2] .. ':open', f[1])
redis.call('DEL', KEYS[1])
return 1`;
