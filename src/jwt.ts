// A JWT's `exp`, read without verifying anything: only to know when to refresh, never to trust the token (the
// server does that). Mini-programs have no `atob`, `TextDecoder` or `Buffer`, so base64url and UTF-8 are decoded
// here by hand. Anything malformed answers `undefined`, never throws: a token we cannot read simply has no `exp`.

// RFC 4648 §5: base64 with `-` and `_` for `+` and `/`. JWTs (RFC 7515 §2) drop the `=` padding; so do we.
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * The expiry a JWT access token states (`exp`, RFC 7519 §4.1.4: epoch seconds), in epoch ms; `undefined` when the
 * token is not a three-part JWS (`header.payload.signature`), its payload is not a JSON object, or `exp` is no
 * finite number. An encrypted JWT (five parts) has no readable payload.
 */
export function jwtExpiresAt(token: string): number | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const bytes = decodeBase64Url(parts[1] as string)
  const json = bytes && decodeUtf8(bytes)
  if (json === undefined) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(json)
  } catch {
    return undefined
  }
  // Object() wraps a number or string and turns null into {}: only an object payload can hold `exp`.
  const exp = (Object(payload) as { exp?: unknown }).exp
  // `exp * 1000` could overflow to Infinity for an absurd exp: that is not an expiry either.
  return typeof exp === 'number' && isFinite(exp * 1000) ? exp * 1000 : undefined
}

/** Unpadded base64url to bytes; `undefined` for any character outside the alphabet or an impossible length. */
export function decodeBase64Url(text: string): number[] | undefined {
  // Each character carries 6 bits: 4 make 3 bytes, 2 make 1, 3 make 2. One left over holds less than a byte.
  if (text.length % 4 === 1) return undefined
  const bytes: number[] = []
  let buffer = 0
  let bits = 0
  for (let i = 0; i < text.length; i++) {
    const value = BASE64URL.indexOf(text.charAt(i))
    if (value < 0) return undefined
    // Fewer than 8 bits wait in the buffer between bytes: 16 bits hold them and the next 6.
    buffer = ((buffer << 6) | value) & 0xffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((buffer >> bits) & 0xff)
    }
  }
  // The last character's unused low bits are ignored, as Node's Buffer does.
  return bytes
}

/**
 * Strict UTF-8 (RFC 3629) to a string; `undefined` for what a strict (fatal) UTF-8 decoder refuses: a stray or
 * missing continuation byte, an overlong form, a surrogate, or a code point past U+10FFFF.
 */
export function decodeUtf8(bytes: number[]): string | undefined {
  // decodeURIComponent is ECMAScript's own UTF-8 decoder (every runtime has it, mini-programs too): each byte as
  // `%XX`, and it throws a URIError on exactly the sequences RFC 3629 forbids. Far smaller than decoding by hand.
  let escaped = ''
  for (const byte of bytes) escaped += (byte < 16 ? '%0' : '%') + byte.toString(16)
  try {
    return decodeURIComponent(escaped)
  } catch {
    return undefined
  }
}
