// The one shape every contender has, so workloads never know which library they drive: a factory that
// wires the library onto a transport, starting with a valid token or an expired one.
import type { TokenControllerEvent } from '../../src/index.ts'
import type { Transport } from '../transports/types.ts'

/** What the client knows at the start: a token the server accepts, or one that expired on both sides. */
export type StartToken = { kind: 'valid'; token: string } | { kind: 'expired' }

export interface ContenderSetup {
  transport: Transport
  start: StartToken
  /** Requests a painless-token controller may park; B raises it past the 10,000 default. */
  maxQueue?: number
  /** A painless-token controller's leeway; E scales it down with its short-lived tokens. */
  leewayMs?: number
  /** A painless-token controller's onEvent: E counts `request.parked`. */
  onEvent?: (event: TokenControllerEvent) => void
}

export interface ContenderInstance {
  /** One API request; resolves with the final HTTP status (after any refresh and replay), or rejects. */
  send(path?: string): Promise<number>
  /**
   * For a client that only learns of an expiry from a 401: sends a first request and resolves once the
   * refresh it caused has started, so a burst that follows parks behind it. Returns that first request.
   */
  startRefresh?(): Promise<{ first: Promise<number> }>
  /** The cheapest call that waits for a token, for heap figures; `send` when absent. */
  waitForToken?(): Promise<unknown>
  close(): void
}

export interface Contender {
  id: string
  label: string
  /** Held to correctness: a wrong figure here fails the bench. The others' failures are findings. */
  strict: boolean
  /** True for `getToken()` alone: no HTTP, so its ratio is context, not a like-for-like comparison. */
  noHttp?: boolean
  create(setup: ContenderSetup): ContenderInstance
}

/** Seconds-from-now the way the seed stores it (`expires_in + Date.now()`), and far-future/expired marks. */
export const FAR_FUTURE_MS = 3_600_000
export const STALE_TOKEN = 'stale-token-the-server-never-issued'

/** The status a rejection carries, whatever shape the library rejects with. */
export function statusOf(reason: unknown): number | undefined {
  if (typeof reason !== 'object' || reason === null) return undefined
  const r = reason as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } }
  if (typeof r.statusCode === 'number') return r.statusCode
  if (typeof r.response?.status === 'number') return r.response.status
  return typeof r.status === 'number' ? r.status : undefined
}
