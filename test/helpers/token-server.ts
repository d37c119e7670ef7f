// A real token server on 127.0.0.1 for tests, the demo and benches: POST /token issues opaque tokens
// (expires_in in seconds), every other path checks them by the server's own clock. /upload/… parses a multipart
// body (Node's own Request.formData()) and records its fields and file bytes; /download/… answers downloadBytes().
// A person's session too (token-sessions.ts): POST /login signs the one account in with a refresh token, /token
// with grant_type=refresh_token rotates it, POST /revoke forgets it. It never logs a token.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFetchToken, type FetchToken } from './token-client.ts'
import { hasValidSignature } from './signature-check.ts'
import { createSessions, DEMO_ACCOUNT, formOrJson, type Account } from './token-sessions.ts'

export { DEMO_ACCOUNT, type Account } from './token-sessions.ts'

/** How a failing /token answer looks, beyond its status. */
export type TokenFault = 'malformed' | 'html' | 'empty' | 'missing-token' | 'hang' | 'reset'

export interface TokenBehaviour {
  /** Status of a failing /token answer: default 500, or 200 with a `tokenFault`. Anything but 200 makes calls fail. */
  tokenStatus?: number
  /** Fail with this instead of a JSON error: a broken body, no answer at all, or a reset connection. */
  tokenFault?: TokenFault
  /** Fail this many /token calls, then succeed. Default: every call fails while a status or fault is set. */
  failTimes?: number
  /** Sent as Retry-After on failing answers; seconds, as HTTP sends it. */
  retryAfterSeconds?: number
  /** Sent verbatim as Retry-After on failing answers (an HTTP date, or nonsense); wins over retryAfterSeconds. */
  retryAfterHeader?: string
  /** Wait this long before any /token answer, failing or not. */
  delayMs?: number
  /** Lifetime of issued tokens in seconds; fractions allowed (0.2 → 200 ms). Default 3600. */
  ttlSeconds?: number
  /** The `expires_in` sent with a token, when it should differ from how long the server accepts it. Default ttlSeconds. */
  expiresInSeconds?: number
  /** Also issue a refresh_token. */
  refreshToken?: boolean
}

export interface TokenServerOptions extends TokenBehaviour {
  /** Check X-Timestamp, X-Nonce and X-Signature on API paths (see signature-check.ts). */
  signatureSecret?: string
  /** With a signature secret: a nonce seen before is a bad signature (replay). */
  rejectReusedNonce?: boolean
  /** The server's clock, epoch ms. Tests move it to expire tokens without waiting. */
  now?: () => number
  /**
   * Accept a token this long past its expiry, as servers allow for clock skew and latency. Default 0.
   * The demo uses it: on a loaded 2-core machine a replay can reach the server after a short-lived
   * token expired there, which is the machine's timing, not the library's behaviour.
   */
  expiryGraceMs?: number
  /** The one account POST /login accepts. Default DEMO_ACCOUNT (`demo` / `demo-password`). */
  account?: Account
}

/** One multipart body received on an /upload/ path, authorized or not. */
export interface ReceivedUpload {
  fields: Record<string, string>
  files: Array<{ field: string; filename: string; bytes: Buffer }>
  /** The answer's status: 200, 401, or 400 (no file part, bad signature). */
  status: number
}

/** The bytes an authorized GET of an /download/ path answers with: a text line, then every byte value. */
export function downloadBytes(path: string): Buffer {
  return Buffer.concat([Buffer.from(`download of ${path}\n`), Buffer.from(Array.from({ length: 256 }, (_, i) => i))])
}

export interface TokenServer {
  /** e.g. http://127.0.0.1:54321 */
  url: string
  fetchToken: FetchToken
  /** Requests received for a path (no query); all requests without one. */
  calls(path?: string): number
  issued(): number
  /** Every token issued so far stops working; later ones work. */
  revokeAll(): void
  /** Every refresh token issued through /login (or rotated from one) stops working: an admin-side logout. */
  revokeSessions(): void
  /** Refresh tokens still live: issued through /login or by a rotation, and neither rotated, revoked nor killed. */
  liveSessions(): number
  /** Live refresh tokens that POST /revoke forgot (an unknown token is answered 200 too, and not counted). */
  revoked(): number
  /** How /token answered grant_type=refresh_token: rotated (a new access token) or refused (400 invalid_grant). */
  refreshGrants(): { rotated: number; refused: number }
  /** Merges into the current behaviour (`undefined` clears a field) and restarts the failTimes count. */
  setTokenBehaviour(behaviour: TokenBehaviour): void
  lastHeaders(path: string): IncomingHttpHeaders | undefined
  /** The multipart bodies received on `path`, in order. */
  uploads(path: string): ReceivedUpload[]
  /** Requests to a path (all paths without one) received and neither answered nor closed yet: a hang shows here. */
  inFlight(path?: string): number
  /** Resolves once `count` requests to `path` have arrived: awaits a request instead of sleeping for it. */
  whenCalled(path: string, count: number): Promise<void>
  /** Resolves once no request to `path` (to any path without one) is in flight: answered, or its socket closed. */
  whenIdle(path?: string): Promise<void>
  /** Closes the server and every socket, hanging ones included. */
  close(): Promise<void>
}

/** Starts a token server on an ephemeral loopback port. */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const {
    signatureSecret,
    rejectReusedNonce = false,
    now = () => Date.now(),
    expiryGraceMs = 0,
    account = DEMO_ACCOUNT,
    ...initial
  } = options
  const sessions = createSessions()
  let behaviour: TokenBehaviour = { ...initial }
  let tokenCallsSinceChange = 0
  let issuedCount = 0
  const live = new Map<string, number>() // token → expiresAt
  const callsByPath = new Map<string, number>()
  const headersByPath = new Map<string, IncomingHttpHeaders>()
  const seenNonces = new Set<string>()
  const uploadsByPath = new Map<string, ReceivedUpload[]>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const inFlightByPath = new Map<string, number>()
  // Re-checked on every arrival and every end of a request; a waiter removes itself once satisfied.
  const watchers = new Set<() => boolean>()
  const notify = () => {
    for (const watcher of watchers) if (watcher()) watchers.delete(watcher)
  }
  const until = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (condition() ? (resolve(), true) : false)
      if (!check()) watchers.add(check)
    })
  const inFlightOf = (path?: string) => (path === undefined ? sum(inFlightByPath.values()) : (inFlightByPath.get(path) ?? 0))

  const server = createServer((req, res) => {
    const rawUrl = req.url ?? '/'
    const path = rawUrl.split('?')[0] ?? '/'
    callsByPath.set(path, (callsByPath.get(path) ?? 0) + 1)
    headersByPath.set(path, req.headers)
    inFlightByPath.set(path, (inFlightByPath.get(path) ?? 0) + 1)
    let ended = false
    // 'close' comes after a finished answer and after a socket closed under it (reset, client abort).
    res.once('close', () => {
      if (ended) return
      ended = true
      inFlightByPath.set(path, (inFlightByPath.get(path) ?? 1) - 1)
      notify()
    })
    notify()
    readBody(req).then(
      (bytes) => {
        if (path === '/token') answerToken(res, bytes.toString('utf8'), req.headers)
        else if (path === '/login' && req.method === 'POST') answerLogin(res, bytes.toString('utf8'), req.headers)
        else if (path === '/revoke' && req.method === 'POST') answerRevoke(res, bytes.toString('utf8'), req.headers)
        else if (path.startsWith('/upload/')) answerUpload(req, res, rawUrl, path, bytes).catch(() => req.socket.destroy())
        else answerApi(req, res, rawUrl, path, bytes.toString('utf8'))
      },
      () => req.socket.destroy(),
    )
  })

  function answerToken(res: ServerResponse, body: string, headers: IncomingHttpHeaders): void {
    const b = behaviour
    const failsByDefault = b.tokenFault !== undefined || (b.tokenStatus !== undefined && b.tokenStatus !== 200)
    const failing = (failsByDefault || b.failTimes !== undefined) && tokenCallsSinceChange < (b.failTimes ?? Infinity)
    tokenCallsSinceChange++
    const params = formOrJson(body, headers['content-type'])
    const respond = () => {
      if (failing) return answerTokenFailure(res, b)
      // Other grants (client_credentials, password …) are issued as they always were, without a look at the body.
      if (params.grant_type === 'refresh_token') return answerRefreshGrant(res, b, params.refresh_token)
      issueToken(res, b)
    }
    if (!b.delayMs) return respond()
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!res.destroyed) respond()
    }, b.delayMs)
    timers.add(timer)
  }

  function issueToken(res: ServerResponse, b: TokenBehaviour, refreshToken?: string): void {
    const ttlSeconds = b.ttlSeconds ?? 3600
    const accessToken = randomBytes(24).toString('base64url')
    live.set(accessToken, now() + ttlSeconds * 1000)
    issuedCount++
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: b.expiresInSeconds ?? ttlSeconds }
    if (refreshToken !== undefined) body.refresh_token = refreshToken
    else if (b.refreshToken) body.refresh_token = randomBytes(24).toString('base64url')
    sendJson(res, 200, body)
  }

  // RFC 6749 §6: a live refresh token is rotated (the old one dies) and a new access token issued with the same
  // lifetime as any other; an unknown, rotated or revoked one is refused with invalid_grant (§5.2).
  function answerRefreshGrant(res: ServerResponse, b: TokenBehaviour, refreshToken: string | undefined): void {
    const rotated = sessions.rotate(refreshToken)
    if (rotated === undefined) return sendJson(res, 400, { error: 'invalid_grant' })
    issueToken(res, b, rotated)
  }

  // The one account signs in, answered like /token (same ttl and expires_in) plus a live refresh token. The token
  // endpoint's failure behaviours do not apply here.
  function answerLogin(res: ServerResponse, body: string, headers: IncomingHttpHeaders): void {
    const { username, password } = formOrJson(body, headers['content-type'])
    if (username !== account.username || password !== account.password) {
      return sendJson(res, 401, { error: 'invalid_credentials' })
    }
    issueToken(res, behaviour, sessions.open())
  }

  // RFC 7009: `token=…` is forgotten if it is a live refresh token; the answer is 200 either way.
  function answerRevoke(res: ServerResponse, body: string, headers: IncomingHttpHeaders): void {
    sessions.revoke(formOrJson(body, headers['content-type']).token)
    send(res, 200, 'text/plain; charset=utf-8', '')
  }

  function answerTokenFailure(res: ServerResponse, b: TokenBehaviour): void {
    const status = b.tokenStatus ?? (b.tokenFault ? 200 : 500)
    if (b.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(b.retryAfterSeconds))
    if (b.retryAfterHeader !== undefined) res.setHeader('retry-after', b.retryAfterHeader)
    switch (b.tokenFault) {
      case 'hang':
        return // answered never; close() destroys the socket
      case 'reset':
        return void res.socket?.destroy()
      case 'malformed':
        return send(res, status, 'application/json', '{"access_token": "')
      case 'html':
        return send(res, status, 'text/html', '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>')
      case 'empty':
        return send(res, status, 'application/json', '')
      case 'missing-token':
        return sendJson(res, status, { token_type: 'Bearer', expires_in: b.ttlSeconds ?? 3600 })
      default:
        return sendJson(res, status, { error: status === 429 ? 'slow_down' : 'server_error' })
    }
  }

  // The signature (when the server checks one) and the token: a status and a message if refused, else undefined.
  function refusal(req: IncomingMessage, rawUrl: string, path: string, body: string): [number, string] | undefined {
    if (signatureSecret !== undefined) {
      const nonce = String(req.headers['x-nonce'] ?? '')
      const replayed = rejectReusedNonce && seenNonces.has(nonce)
      if (replayed || !hasValidSignature(signatureSecret, req.method ?? 'GET', rawUrl, body, req.headers)) return [400, 'bad signature']
      seenNonces.add(nonce)
    }
    // Under /biz/ the failure rides in the body, as many Chinese backends do: HTTP 200, `code: 401`.
    const unauthorized = (message: string): [number, string] => [path.startsWith('/biz/') ? 200 : 401, message]
    if (path === '/always401') return unauthorized('this path refuses every token')
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
    if (token === undefined) return unauthorized('missing bearer token')
    const expiresAt = live.get(token)
    if (expiresAt === undefined) return unauthorized('unknown or revoked token')
    if (now() >= expiresAt + expiryGraceMs) return unauthorized('expired token')
    return undefined
  }

  function answerApi(req: IncomingMessage, res: ServerResponse, rawUrl: string, path: string, body: string): void {
    const refused = refusal(req, rawUrl, path, body)
    if (refused) return sendJson(res, refused[0], { code: refused[0] === 400 ? 400 : 401, message: refused[1] })
    if (path.startsWith('/download/')) return send(res, 200, 'application/octet-stream', downloadBytes(path))
    const query = Object.fromEntries(new URL(rawUrl, 'http://127.0.0.1').searchParams)
    sendJson(res, 200, { code: 200, data: { path, method: req.method, query, body: parseBody(body) } })
  }

  // A multipart upload, parsed by Node's own fetch Request. Its form fields are signed as a JSON body (what
  // createSigner makes of an upload's `formData`); every body is recorded, refused or not.
  async function answerUpload(req: IncomingMessage, res: ServerResponse, rawUrl: string, path: string, bytes: Buffer): Promise<void> {
    const form = await new Request('http://127.0.0.1' + rawUrl, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body: new Uint8Array(bytes),
    }).formData()
    const upload: ReceivedUpload = { fields: {}, files: [], status: 200 }
    const fileParts: Array<Promise<void>> = []
    form.forEach((value, field) => {
      if (typeof value === 'string') upload.fields[field] = value
      else
        fileParts.push(
          value.arrayBuffer().then((data) => void upload.files.push({ field, filename: value.name, bytes: Buffer.from(data) })),
        )
    })
    await Promise.all(fileParts)
    uploadsByPath.set(path, [...(uploadsByPath.get(path) ?? []), upload])
    const signedBody = Object.keys(upload.fields).length > 0 ? JSON.stringify(upload.fields) : ''
    const refused = refusal(req, rawUrl, path, signedBody) ?? (upload.files.length === 0 ? [400, 'no file part'] : undefined)
    upload.status = refused ? refused[0] : 200
    if (refused) return sendJson(res, refused[0], { code: refused[0] === 400 ? 400 : 401, message: refused[1] })
    const files = upload.files.map(({ field, filename, bytes }) => ({ field, filename, size: bytes.length }))
    sendJson(res, 200, { code: 200, data: { path, fields: upload.fields, files } })
  }

  server.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let closing: Promise<void> | undefined
  return {
    url,
    fetchToken: createFetchToken(url),
    calls: (path) => (path === undefined ? sum(callsByPath.values()) : (callsByPath.get(path) ?? 0)),
    issued: () => issuedCount,
    revokeAll: () => live.clear(),
    revokeSessions: () => sessions.revokeAll(),
    liveSessions: () => sessions.live(),
    revoked: () => sessions.revoked(),
    refreshGrants: () => sessions.grants(),
    setTokenBehaviour(next) {
      behaviour = { ...behaviour, ...next }
      tokenCallsSinceChange = 0
    },
    lastHeaders: (path) => headersByPath.get(path),
    uploads: (path) => uploadsByPath.get(path) ?? [],
    inFlight: inFlightOf,
    whenCalled: (path, count) => until(() => (callsByPath.get(path) ?? 0) >= count),
    whenIdle: (path) => until(() => inFlightOf(path) === 0),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseBody(body: string): unknown {
  if (body === '') return null
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body))
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function sum(values: Iterable<number>): number {
  let total = 0
  for (const value of values) total += value
  return total
}
