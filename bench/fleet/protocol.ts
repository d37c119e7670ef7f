// The messages between workload F's parent (bench/workloads/fleet.ts) and its children (bench/fleet/child.ts),
// over Node's IPC channel. A round: prepare → ready, go → done, then stopped. Tokens never cross it: a child
// sends short hashes of the tokens it got, so the parent can count distinct ones.

/** Parent → child. */
export type ToChild =
  /** A fresh controller for this round: `key` names its shared record; `coordinated` adds `redisCoordinator`. */
  | { type: 'prepare'; round: number; key: string; coordinated: boolean; requests: number }
  /** Fire the round's requests at once. */
  | { type: 'go'; round: number }
  | { type: 'exit' }

/** Child → parent. */
export type FromChild =
  /** Started, its Redis client connected. */
  | { type: 'hello' }
  /** The controller exists and `ready()` resolved. */
  | { type: 'ready'; round: number }
  | ({ type: 'done'; round: number } & ChildOutcome)
  /** The controller stopped (its coordinator closed). */
  | { type: 'stopped'; round: number }
  | { type: 'failed'; message: string }

export interface ChildOutcome {
  /** From "go" until the last request settled (or the cap), ms. */
  ms: number
  /** This process's CPU time (user + system) over the same span, ms. */
  cpuMs: number
  ok: number
  /** Failure label → count. */
  failures: Record<string, number>
  /** Not settled by the child's cap. */
  hanging: number
  /** A short hash of each distinct token the requests got; never a token. */
  tokenHashes: string[]
  /** Times this child's `fetchToken` ran. */
  fetches: number
  /** `coordinator.*` and `token.adopted` events heard through `onEvent`, by type. */
  events: Record<string, number>
  /**
   * Instants on a clock all processes share (`performance.timeOrigin + performance.now()`, ms): "go" received, the R
   * calls made (the synchronous loop done), this child's upstream call sent and answered (absent when it made none),
   * its first and last request settled.
   */
  at: { go: number; fired: number; fetchSent?: number; fetchAnswered?: number; firstSettled: number; lastSettled: number }
}
