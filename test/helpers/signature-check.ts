// The token server's request-signature check: HMAC-SHA256, hex, over the lines
// METHOD, path, sorted query, raw body, X-Timestamp, X-Nonce. Written independently of src/signer.ts.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/** True when X-Signature is the HMAC of this request's canonical lines under `secret`. */
export function hasValidSignature(secret: string, method: string, rawUrl: string, body: string, headers: IncomingHttpHeaders): boolean {
  const timestamp = headers['x-timestamp']
  const nonce = headers['x-nonce']
  const signature = headers['x-signature']
  if (typeof timestamp !== 'string' || typeof nonce !== 'string' || typeof signature !== 'string') return false
  const [path, query] = splitOnce(rawUrl, '?')
  const canonical = [method.toUpperCase(), path, sortQuery(query), body, timestamp, nonce].join('\n')
  const expected = createHmac('sha256', secret).update(canonical).digest()
  const given = Buffer.from(signature.toLowerCase(), 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

// Pairs stay exactly as they appear in the URL (still percent-encoded); only their order changes,
// by key in code-unit order, a stable sort so repeated keys keep their order.
function sortQuery(query: string): string {
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => ({ pair, key: splitOnce(pair, '=')[0] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ pair }) => pair)
    .join('&')
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}
