// Scenario client on uview-plus's `uni.$u.http`: the real instance from uview-plus 3.8.112 (libs/function/http.js,
// a `new Request()` of the luch-request 3.0.7 copy it bundles), set up as the README's recipe does it:
// `setConfig` for the baseURL, then attachTokenController (painless-token/luch-request). That instance is one per
// app, so each client detaches itself on stop. Like luch-request, it calls the global `uni` (the caller's).
import http from 'uview-plus/libs/function/http.js'
import type Request from 'luch-request'
import type { ClientConfig, ScenarioClient } from '../harness.ts'
import { startOnLuchInstance } from './luch-request.ts'

/** `uni.$u.http` as uview-plus's install() puts it there. */
export const uviewHttp = http

export function startUviewPlus(config: ClientConfig): ScenarioClient {
  http.setConfig((defaults) => Object.assign(defaults, { baseURL: config.serverUrl }))
  // The same API as luch-request 3.1's (uview-plus's declarations name it HttpRequest).
  return startOnLuchInstance(http as unknown as Request, config, (detach) => detach())
}
