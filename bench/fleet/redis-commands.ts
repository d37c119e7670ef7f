// Counts the commands a redis-server ran, from INFO commandstats, by command name. Commands a Lua script runs
// count too (redis.call inside EVALSHA shows as its own command), so the breakdown says what ran, not only what
// was sent. Our own calls are taken out: each snapshot's INFO is counted by the next one, and PUBSUB NUMSUB (how
// the bench waits for subscribers) is never the engine's.
import type { Redis } from 'ioredis'

export type CommandCounts = Record<string, number>

export interface CommandSnapshot {
  counts: CommandCounts
  /** How many of our INFO calls the counts include. */
  ours: number
}

export interface CommandCounter {
  snapshot(): Promise<CommandSnapshot>
}

export function commandCounter(observer: Redis): CommandCounter {
  let issued = 0
  return {
    async snapshot() {
      const ours = issued++
      const text = await observer.info('commandstats')
      const counts: CommandCounts = {}
      for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[match[1]!] = Number(match[2])
      return { counts, ours }
    },
  }
}

/** What ran between two snapshots, our INFO calls left out; commands that did not run are absent. */
export function commandsBetween(before: CommandSnapshot, after: CommandSnapshot): CommandCounts {
  const delta: CommandCounts = {}
  for (const [name, calls] of Object.entries(after.counts)) {
    if (name === 'pubsub|numsub') continue
    const ran = calls - (before.counts[name] ?? 0) - (name === 'info' ? after.ours - before.ours : 0)
    if (ran > 0) delta[name] = ran
  }
  return delta
}

export function totalCommands(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0)
}
