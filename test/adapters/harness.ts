// What every scenario client is built from, on any runtime (Node, or the mini-program sandbox): a controller
// whose clock a scenario can move, parked requests it can await, and outcomes as plain data. No Node built-ins
// and no web globals here: the sandbox bundles this file.
import { createSigner, createTokenController, type TokenController, type TokenControllerEvent } from '../../src/index.ts'

export interface ClientConfig {
  /** The loopback token server, e.g. http://127.0.0.1:54321 */
  serverUrl: string
  /** "Unauthorized" is `code: 401` in the body (the server's /biz/ paths), not only HTTP 401. */
  businessCodes?: boolean
  maxReplays?: number
  /** Refresh attempts per cycle. Default 3. */
  attempts?: number
  /** Sign every send with SCENARIO_SECRET: `createSigner` as it is, or a signer that returns a signed copy. */
  sign?: 'in-place' | 'copy'
  /** The controller's refreshAheadMs. Default: the controller's own (5 minutes). */
  refreshAheadMs?: number
  /** Hears every controller event, as the app's onEvent would. */
  onEvent?: (event: TokenControllerEvent) => void
}

/** The signing secret of the scenarios' token server: a test fixture, not a credential. */
export const SCENARIO_SECRET = 'scenario-signing-secret'

/**
 * The adapter's `sign` option for `ClientConfig.sign`. The copying signer checks that an adapter keeps track of
 * the token sent when `sign` hands back a new request object (its 401 must still invalidate that token).
 */
export function scenarioSigner(kind: ClientConfig['sign']): ((request: object, token: string) => object) | undefined {
  if (kind === undefined) return undefined
  const sign = createSigner({ secret: SCENARIO_SECRET })
  return kind === 'in-place' ? sign : (request) => sign(Object.assign({}, request))
}

/** How the caller's promise or callback settled: `success` is resolved, `fail` rejected. */
export type Settled = 'resolved' | 'rejected'

/** An HTTP answer, resolved or rejected as the client settled it, or a failure with its TokenError code. */
export type Outcome = { settled: Settled } & (
  | { status: number; code?: unknown; retryAfterMs?: number; file?: string }
  | { error: string; attempts?: number; causeRetryAfterMs?: number }
)

export interface Sent {
  outcome: Promise<Outcome>
  abort(): void
}

export interface SendOptions {
  /** false: the adapter's per-request opt-out. */
  auth?: boolean
  method?: string
}

export interface ScenarioClient {
  send(path: string, options?: SendOptions): Sent
  /** How the bare client settles an answer with this HTTP status: luch-request and axios reject non-2xx. */
  settles(status: number): Settled
  /** Moves the controller's clock (the server's is moved by the scenario). */
  advanceClock(ms: number): void
  /** Resolves once `count` requests have parked since the client started. */
  whenParked(count: number): Promise<void>
  readonly state: string
  stop(): void
}

/** An upload: the file on disk (a temp path, as the platform hands one out) and the other form fields. */
export interface UploadOptions {
  filePath: string
  formData?: Record<string, string>
  auth?: boolean
}

/** A client of an adapter with uploadFile / downloadFile. A path that starts with `http` is used as the URL. */
export interface TransferClient extends ScenarioClient {
  upload(path: string, options: UploadOptions): Sent
  /** Resolves with `file`, where the platform saved the body. */
  download(path: string): Sent
}

export type Driver = (config: ClientConfig) => ScenarioClient | Promise<ScenarioClient>

/** The URL of a scenario path: the server's, unless the path is a URL already (the https rule's scenarios). */
export const urlOf = (config: ClientConfig, path: string) => (path.startsWith('http') ? path : config.serverUrl + path)

/** An upload's answer `data` is the body as text: parsed when it is JSON, as the app would. */
export function parsedText(data: unknown): unknown {
  try {
    return JSON.parse(String(data))
  } catch {
    return data
  }
}

/** The part every driver shares: the controller, the clock offset and the parked count. */
export function createHarness(config: ClientConfig, fetchToken: () => Promise<unknown>) {
  let offsetMs = 0
  let parked = 0
  const watchers: Array<() => boolean> = []
  const tokens: TokenController = createTokenController({
    fetchToken: fetchToken as () => Promise<{ access_token: string; expires_in: number }>,
    now: () => Date.now() + offsetMs,
    retry: { attempts: config.attempts ?? 3, baseDelayMs: 0 },
    refreshAheadMs: config.refreshAheadMs,
    onEvent: (event) => {
      config.onEvent?.(event)
      if (event.type !== 'request.parked') return
      parked++
      for (let i = watchers.length - 1; i >= 0; i--) if ((watchers[i] as () => boolean)()) watchers.splice(i, 1)
    },
  })
  const advanceClock = (ms: number) => void (offsetMs += ms)
  const whenParked = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (parked >= count ? (resolve(), true) : false)
      if (!check()) watchers.push(check)
    })
  return {
    tokens,
    advanceClock,
    whenParked,
    /** The ScenarioClient of a driver: its own `send` and settling rule, the harness's clock, count and state. */
    client(send: ScenarioClient['send'], settles: ScenarioClient['settles'], stop = () => tokens.stop()): ScenarioClient {
      return {
        send,
        settles,
        advanceClock,
        whenParked,
        get state() {
          return tokens.state
        },
        stop,
      }
    },
  }
}

/** The token call every scenario client makes: a client-credentials form post, as the server's /token reads it. */
export const TOKEN_FORM = { contentType: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }

/** The adapter options a ClientConfig asks for; `refusedByCode` reads a business code in the client's answer shape. */
export function adapterOptions<Answer>(config: ClientConfig, refusedByCode: (answer: Answer) => boolean | PromiseLike<boolean>) {
  return {
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? refusedByCode : undefined,
  }
}

/** `refusedByCode` for uni and wx answers (`statusCode`, `data`). */
export const miniRefused = (r: { statusCode: number; data: unknown }) => r.statusCode === 401 || codeSays401(r.data)

/** A business-code check for the server's /biz/ paths: HTTP 200 with `code: 401` in the body. */
export const codeSays401 = (data: unknown) => typeof data === 'object' && data !== null && (data as { code?: unknown }).code === 401

/** How clients that reject an HTTP error status (luch-request, axios) settle an answer. */
export const rejectsNon2xx = (status: number): Settled => (status >= 200 && status < 300 ? 'resolved' : 'rejected')
/** How clients that resolve every HTTP answer (fetch, uni, wx) settle one. */
export const resolvesAll = (): Settled => 'resolved'

/** An HTTP answer as an outcome: how it settled, its status, the body's `code`, and `retryAfterMs` if the adapter set one. */
export function answerOutcome(settled: Settled, status: number, data: unknown, answer: { retryAfterMs?: number }): Outcome {
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined
  const outcome: Outcome = { settled, status, code }
  if (answer.retryAfterMs !== undefined) outcome.retryAfterMs = answer.retryAfterMs
  return outcome
}

/** A failure without an HTTP answer: the TokenError's code (or the platform's errMsg), attempts, the cause's retryAfterMs. */
export function errorOutcome(error: unknown): Outcome {
  const e = (error ?? {}) as { code?: unknown; errMsg?: unknown; attempts?: number; cause?: { retryAfterMs?: number } }
  const outcome: Outcome = { settled: 'rejected', error: typeof e.code === 'string' ? e.code : String(e.errMsg ?? error) }
  if (e.attempts !== undefined) outcome.attempts = e.attempts
  if (e.cause?.retryAfterMs !== undefined) outcome.causeRetryAfterMs = e.cause.retryAfterMs
  return outcome
}

/** An abort signal with no platform AbortController: the shape the controller accepts. */
export function signalLike() {
  const listeners: Array<() => void> = []
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_: 'abort', listener: () => void) => void listeners.push(listener),
    removeEventListener: (_: 'abort', listener: () => void) => void listeners.splice(listeners.indexOf(listener) >>> 0, 1),
  }
  const abort = () => {
    if (signal.aborted) return
    signal.aborted = true
    signal.reason = 'aborted by the scenario'
    for (const listener of listeners.splice(0)) listener()
  }
  return { signal, abort }
}
