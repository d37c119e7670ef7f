// Telling "the login is over" from "try again": OAuth's invalid_grant (RFC 6749 §5.2) means the refresh token
// (or the code) was refused, and no retry can change that. Read from the error shapes our adapters produce.
import { propertyOf } from '../machines/failure.ts'

/**
 * The default `isLoginRequired`: an OAuth `invalid_grant` answered with status 400 or 401, as the response a
 * luch-request / uni.request / wx.request call rejects with (`{ statusCode, data: { error } }`), or as an axios
 * error's `response` (`{ status, data: { error } }`). A fetch `Response` is not recognised: its body cannot be read
 * synchronously.
 */
export function isInvalidGrant(error: unknown): boolean {
  const response = propertyOf(error, 'response')
  return answersInvalidGrant(error, propertyOf(error, 'statusCode')) || answersInvalidGrant(response, propertyOf(response, 'status'))
}

function answersInvalidGrant(response: unknown, status: unknown): boolean {
  return (status === 400 || status === 401) && propertyOf(propertyOf(response, 'data'), 'error') === 'invalid_grant'
}
