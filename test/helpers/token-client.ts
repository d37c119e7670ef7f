// A `fetchToken` for the test token server, written the way an app would write it over node:http:
// POST /token, reject a non-2xx answer with `status` (and `retryAfterMs`), honour an abort signal.
import { request } from 'node:http'

/** The token endpoint's JSON body. `expires_in` is seconds (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token?: string
}

export interface FetchTokenRequest {
  attempt?: number
  signal?: AbortSignal
}

export type FetchToken = (request?: FetchTokenRequest) => Promise<TokenResponseBody>

/** How fetchToken rejects when the endpoint answered: the status, and how long it asked us to wait. */
export interface TokenEndpointError extends Error {
  status: number
  retryAfterMs?: number
}

/** Builds a fetchToken that POSTs to `${baseUrl}/token`. */
export function createFetchToken(baseUrl: string): FetchToken {
  const url = new URL('/token', baseUrl)
  return ({ attempt = 1, signal } = {}) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const onAbort = () => {
        reject(signal?.reason)
        req.destroy()
      }
      const req = request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-attempt': String(attempt) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            signal?.removeEventListener('abort', onAbort)
            const status = res.statusCode ?? 0
            if (status < 200 || status > 299) {
              return reject(endpointError(`token endpoint answered ${status}`, status, res.headers['retry-after']))
            }
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TokenResponseBody)
            } catch (cause) {
              reject(endpointError(`token endpoint answered ${status} with a body that is not JSON`, status, undefined, cause))
            }
          })
        },
      )
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort)
        reject(error)
      })
      signal?.addEventListener('abort', onAbort, { once: true })
      req.end('grant_type=client_credentials')
    })
}

function endpointError(message: string, status: number, retryAfter: string | undefined, cause?: unknown): TokenEndpointError {
  const error = new Error(message) as TokenEndpointError
  error.status = status
  const retryAfterMs = parseRetryAfter(retryAfter)
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs
  if (cause !== undefined) error.cause = cause
  return error
}

// Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}
