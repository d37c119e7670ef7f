// Storage, `isUnauthorized` and `fetchToken` may answer now or later: a thenable is "later". By shape, not
// `instanceof Promise`, so another realm's promise or a library's thenable counts too.
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
