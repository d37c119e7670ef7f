// What mini-program code expects around a request: every failure has an `errMsg`, and a caller's callback that
// throws is the caller's uncaught error, as with the platform's own wx.request, never our unhandled rejection.

import type { RequestPath } from './request-path.ts'

/** One of the three calls that go over HTTP. */
export type MiniCall = 'request' | 'uploadFile' | 'downloadFile'

/**
 * Sets the token header on a call's own copy of its options (under `headerKey`) and signs it; returns what goes
 * out. A transfer's body is not `data`: the signer sees uploadFile's form fields as a POST body and downloadFile
 * as a GET with none, through a view that shares the header object, so what the signer writes goes out too.
 */
export function applyToCall(
  path: RequestPath<unknown>,
  call: MiniCall,
  options: { url: string; formData?: unknown; [option: string]: unknown },
  headerKey: string,
  token: string,
): { [option: string]: unknown } {
  const headers = (options[headerKey] = Object.assign({}, options[headerKey]))
  if (call === 'request') return path.apply(options, headers, token)
  const view = { url: options.url, method: call === 'uploadFile' ? 'POST' : 'GET', data: options.formData, header: headers }
  return Object.assign({}, options, { header: path.apply(view, headers, token).header })
}

// Module-local: src has no DOM or Node types; every mini-program and browser runtime has a global setTimeout.
declare const setTimeout: (callback: () => void) => unknown

/**
 * A failure as mini-program code reads one: with `errMsg` in the platform's wording for the call
 * (`uploadFile:fail INSECURE_URL`), added in place: a TokenError's code, or an Error's message (a `sign` or
 * `isUnauthorized` of the app's that threw). Safe because every error that reaches here belongs to this one
 * request: the controller rejects each waiting request with its own instance, and INSECURE_URL, ABORTED and a
 * signer's TypeError are made per request. A platform failure already has its errMsg and is left alone.
 */
export function withErrMsg(error: unknown, call: MiniCall = 'request'): unknown {
  const failure = error as { code?: unknown; message?: unknown; errMsg?: string } | null | undefined
  const reason = failure && (typeof failure.code === 'string' ? failure.code : failure.message)
  // Only an object has a string code or message here, so `in` never meets a primitive.
  if (typeof reason === 'string' && !('errMsg' in (failure as object))) (failure as { errMsg: string }).errMsg = call + ':fail ' + reason
  return failure
}

/**
 * Calls the caller's success/fail/complete. If it throws, the error is thrown again from a timer, as the platform
 * surfaces a throwing callback (App.onError, the console): settling goes on, and no promise rejects unhandled.
 */
export function callBack<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return
  try {
    callback(value)
  } catch (error) {
    setTimeout(() => {
      throw error
    })
  }
}
