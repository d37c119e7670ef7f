// What the fleet test and its worker processes say to each other over IPC. Never a token: tokens travel as the
// server's ids for them (issue order), events as their type and version.

/** How a worker is set up: its argv[2], as JSON. */
export interface WorkerConfig {
  id: string
  serverUrl: string
  /** 'none': no coordinator at all (the control fleet). */
  client: 'ioredis' | 'node-redis' | 'none'
  redisUrl?: string
  /** `redisCoordinator` options: key, leaseMs, fetchTimeoutMs, commandTimeoutMs, pollIntervalMs, onUnavailable … */
  coordinator?: Record<string, unknown>
  /** `createTokenController` options besides fetchToken and coordinator (leewayMs, fetchTimeoutMs, retry …). */
  controller?: Record<string, unknown>
  /** Stop itself (SIGSTOP) once its first token answer has arrived, before the controller sees it. */
  pauseAfterFirstFetch?: boolean
}

export type ParentMessage =
  /** Fire `count` concurrent API requests at epoch ms `at`; answer with a BurstResult. */
  | { type: 'burst'; seq: number; count: number; at?: number }
  /** One request after another, each `everyMs` apart, until epoch ms `until`; answer with a BurstResult. */
  | { type: 'loop'; seq: number; everyMs: number; until: number }
  /** Ask Redis for PING (bounded); answer { ok }. */
  | { type: 'ping'; seq: number }
  /** The token ids this worker's requests were answered with, in order (consecutive repeats folded). */
  | { type: 'timeline'; seq: number }
  | { type: 'close'; seq: number }

export interface BurstResult {
  sent: number
  ok: number
  /** Requests that rejected, by `code` (and `cause.code` after a slash: `REFRESH_FAILED/COORDINATOR_UNAVAILABLE`). */
  failed: Record<string, number>
  /** Answers by HTTP status after the adapter's replay, as the app sees them. */
  statuses: Record<string, number>
  /** 401 answers the worker's HTTP client received (before the adapter's replay). */
  raw401: number
  /** Distinct token ids the API saw on successful answers. */
  tokenIds: number[]
  /** Ms from the first request sent to the last settled. */
  elapsedMs: number
}

export interface ForwardedEvent {
  type: string
  version?: number
  operation?: string
  mode?: string
  error?: string
  at: number
}

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'reply'; seq: number; result: unknown }
  | { type: 'event'; event: ForwardedEvent }
  | { type: 'crash'; message: string }
