// The Lua scripts: each runs atomically in Redis, so "check, then act" has no gap another process can use.
// KEYS: [1] the record `key`, [2] the version counter `key:version`, [3] the lock `key:lock`, [4] the quota
// counter `key:fetches`. Replies are flat arrays of strings and integers: '' stands for "none", because a nil
// inside a table cuts it short in both clients.

// The version a stored record carries, 0 when there is none or it is not one of ours (record.ts reads it the same way).
const VERSION_OF = `
local function versionOf(raw)
  if not raw then return 0 end
  local ok, record = pcall(cjson.decode, raw)
  if ok and type(record) == 'table' and type(record.version) == 'number' and type(record.accessToken) == 'string' then
    return record.version
  end
  return 0
end
`

/**
 * ARGV: knownVersion, owner id, leaseMs, maxFetches ('0': no quota), fetchWindowMs.
 * → {'shared', record, pttl} | {'busy', lock pttl} | {'quota', window pttl} | {'acquired', version, record or '', pttl}
 */
export const ACQUIRE = `${VERSION_OF}
local raw = redis.call('GET', KEYS[1])
local stored = versionOf(raw)
-- Someone published a newer token than the caller's: adopt it rather than fetch a token.
if stored > tonumber(ARGV[1]) then
  return {'shared', raw, redis.call('PTTL', KEYS[1])}
end
-- Another holder is fetching: wait for it (before the quota, which its fetch has already counted).
local lockTtl = redis.call('PTTL', KEYS[3])
if lockTtl == -1 then
  -- A lock without a lease is none of ours (ours always have one): give it one, or it would block the fleet forever.
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  lockTtl = tonumber(ARGV[3])
end
if lockTtl ~= -2 then
  return {'busy', lockTtl}
end
-- The fleet-wide quota: no lock, no fetch once the window's calls are spent.
local maxFetches = tonumber(ARGV[4])
if maxFetches > 0 and (tonumber(redis.call('GET', KEYS[4])) or 0) >= maxFetches then
  -- A counter without a window (set by hand) would hold the quota spent forever.
  if redis.call('PTTL', KEYS[4]) == -1 then
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
  end
  return {'quota', redis.call('PTTL', KEYS[4])}
end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
-- The lock is taken: the holder fetches, so the call counts now. The window starts with its first call.
if maxFetches > 0 and redis.call('INCR', KEYS[4]) == 1 then
  redis.call('PEXPIRE', KEYS[4], ARGV[5])
end
-- The version to publish against: the counter, or the record's own if the counter was lost (evicted).
local version = math.max(tonumber(redis.call('GET', KEYS[2])) or 0, stored)
return {'acquired', tostring(version), raw or '', redis.call('PTTL', KEYS[1])}
`

/**
 * The versioned compare-and-set. ARGV: expectedVersion, the record's JSON without its version, ttl ms ('': none,
 * the token does not expire by time), the channel.
 * → {'written', record, pttl} | {'refused', current record or '', pttl}
 */
export const PUBLISH = `${VERSION_OF}
local raw = redis.call('GET', KEYS[1])
local current = math.max(tonumber(redis.call('GET', KEYS[2])) or 0, versionOf(raw))
-- Someone published since this holder took the lock (its lease ran out): never overwrite a newer token.
if current ~= tonumber(ARGV[1]) then
  return {'refused', raw or '', redis.call('PTTL', KEYS[1])}
end
local version = current + 1
-- The counter has no TTL: versions never go back, even after the record expires.
redis.call('SET', KEYS[2], version)
-- The version goes first in the JSON the holder sent ('{"accessToken":...}'), spliced rather than re-encoded.
local record = '{"version":' .. version .. ',' .. string.sub(ARGV[2], 2)
if ARGV[3] == '' then
  redis.call('SET', KEYS[1], record)
else
  redis.call('SET', KEYS[1], record, 'PX', ARGV[3])
end
-- The others wake on the version alone and read the record themselves: no token crosses pub/sub.
redis.call('PUBLISH', ARGV[4], tostring(version))
return {'written', record, redis.call('PTTL', KEYS[1])}
`

/** Compare-and-delete: a lock whose lease ran out may be someone else's by now. KEYS[1]: the lock. ARGV: owner id. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`

/** KEYS[1]: the record. → {record or '', pttl} in one round trip. */
export const READ = `
local raw = redis.call('GET', KEYS[1])
return {raw or '', redis.call('PTTL', KEYS[1])}
`

/** KEYS[1]: the version counter. → its value, or '' (the poll while pub/sub is down). */
export const VERSION = `
return redis.call('GET', KEYS[1]) or ''
`
