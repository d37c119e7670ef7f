// HTTP shapes every client shares: reading and writing a header whatever holds it (a plain object, fetch's
// Headers, AxiosHeaders), and joining baseURL and url as luch-request and axios do. No decisions here.

/** Headers as a plain object (uni, wx, luch-request, axios) or with `get()` (fetch's Headers, AxiosHeaders). */
export type HeadersLike = Record<string, unknown> | { get(name: string): unknown }

/** Headers the request path writes to: a plain object, or anything with `set()` (Headers, AxiosHeaders). */
export type WritableHeaders = Record<string, unknown> | { set(name: string, value: string): unknown }

/** A header's value, found in any letter case; `name` is given in lower case (`'retry-after'`). */
export function headerValue(headers: HeadersLike | undefined | null, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined
  // Headers.get answers null for a missing header, and '' carries no value either.
  if (typeof headers.get === 'function') return (headers as { get(name: string): unknown }).get(name) || undefined
  for (const key in headers) if (key.toLowerCase() === name) return (headers as Record<string, unknown>)[key]
  return undefined
}

/**
 * The one way a header is set: through `set()` where the headers have one (it ignores letter case), else on a
 * plain object after dropping the same name in another case. The name is lower-cased once, here, not per request.
 */
export function headerWriter(name: string): (headers: WritableHeaders, value: string) => void {
  const lower = name.toLowerCase()
  return (headers, value) => {
    if (typeof headers.set === 'function') {
      headers.set(name, value)
      return
    }
    const plain = headers as Record<string, unknown>
    // `authorization` and `Authorization` both sent: XHR joins them ("Basic x, Bearer y") and the server refuses.
    for (const key in plain) if (key.toLowerCase() === lower) delete plain[key]
    plain[name] = value
  }
}

// The last join. Clients mostly repeat a URL: asked again, joinUrl answers at once with the same string, which the
// request path's https rule then recognises at once too.
let lastBaseURL: string | undefined
let lastUrl: string | undefined
let lastJoined = ''

/** Joins `baseURL` and `url` as luch-request's buildFullPath and axios do, so we judge and sign the URL they send. */
export function joinUrl(baseURL: string | undefined, url: string | undefined): string {
  if (baseURL === lastBaseURL && url === lastUrl) return lastJoined
  const requested = url ?? ''
  let joined = requested
  if (baseURL && !/^([a-z][a-z\d+\-.]*:)?\/\//i.test(requested)) {
    joined = requested ? baseURL.replace(/\/+$/, '') + '/' + requested.replace(/^\/+/, '') : baseURL
  }
  lastBaseURL = baseURL
  lastUrl = url
  lastJoined = joined
  return joined
}
