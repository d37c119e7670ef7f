// painless-token/signing: request signing and the MD5 credential helpers, the only entry that reaches crypto-js.
// The root re-exports these names too (Core's contract); bundlers drop them, and crypto-js, when unused. Exports only.
/**
 * Request signing (HMAC-SHA256 or MD5) and the MD5 credential helpers: the only entry that needs crypto-js.
 *
 * @module painless-token/signing
 */
export { createSigner, md5Hex, md5Upper, canonicalRequest } from '../signer.ts'
export type { SignerOptions, SignAlgorithm, SignableConfig, Sign, Signed } from '../signer.ts'
