// What `inspect` and `onEvent` see when fetchToken fails with an error that holds secrets: an AxiosError
// keeps the request it sent (`config.data`: the refresh token, the client secret). Over real loopback HTTP,
// with a real axios error, nothing of it may reach an inspection event or an onEvent event at any depth: not
// through a live actor ref (a child's `_parent`, an action's params), a snapshot's children or a hidden property.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import axios from 'axios'
import type { InspectionEvent } from 'xstate'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTokenController, type TokenControllerEvent } from '../src/index.ts'

const REFRESH = 'SECRET-refresh-5f2c'
const CLIENT_SECRET = 'SECRET-client-9d1e'
const PASSWORD = 'SECRET-password-77a0'

/** A token endpoint on 127.0.0.1 that answers every POST with a 500. */
async function failingTokenEndpoint(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end('{"error":"server_error"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, server }
}

const ACCESS = 'SECRET-access-31b7'
const ACCESS_AFTER = 'SECRET-access-after-c04a'

// Intrinsic prototypes hold no app data; every other prototype (an actor's class, an Object.create base) is walked.
const INTRINSIC = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, Error.prototype, Promise.prototype])

/** The first path under `root` whose string holds a secret: own properties, enumerable or not, getters, prototypes, and
 * whatever getSnapshot() / getPersistedSnapshot() return on anything that has them. */
function secretPaths(root: unknown, secrets: string[]): string[] {
  const found: string[] = []
  const seen = new Set<unknown>()
  const queue: Array<[unknown, string]> = [[root, '$']]
  const read = (path: string, get: () => unknown) => {
    try {
      queue.push([get(), path])
    } catch {
      // a getter or method that needs another receiver: nothing to read there
    }
  }
  // Breadth first, so the shortest path to a leak is the one reported; the first is enough to fail.
  for (let next = 0; next < queue.length && found.length === 0; next++) {
    const [value, path] = queue[next]!
    if (typeof value === 'string') {
      if (secrets.some((secret) => value.includes(secret))) found.push(path)
      continue
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue
    seen.add(value)
    const object = value as Record<PropertyKey, unknown>
    if (value instanceof Map) for (const [key, item] of value) queue.push([item, `${path}.get(${String(key)})`])
    if (value instanceof Set) for (const item of value) queue.push([item, `${path}.set`])
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!
      if ('value' in descriptor) queue.push([descriptor.value, `${path}.${String(key)}`])
      else if (descriptor.get) read(`${path}.${String(key)}`, () => descriptor.get!.call(value))
    }
    for (const method of ['getSnapshot', 'getPersistedSnapshot']) {
      if (typeof object[method] === 'function') read(`${path}.${method}()`, () => (object[method] as () => unknown)())
    }
    const prototype: unknown = Object.getPrototypeOf(value)
    if (!INTRINSIC.has(prototype)) queue.push([prototype, `${path}.__proto__`])
  }
  return found
}

describe('a fetchToken that fails with an AxiosError', () => {
  it('shows inspect and onEvent no refresh token, client secret or password, at any depth', async () => {
    const { url } = await failingTokenEndpoint()
    const inspected: unknown[] = []
    const events: TokenControllerEvent[] = []
    const tokens = createTokenController({
      fetchToken: async () => {
        const body = `grant_type=refresh_token&refresh_token=${REFRESH}&client_secret=${CLIENT_SECRET}&password=${PASSWORD}`
        const response = await axios.post(url, body, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        return response.data as never
      },
      retry: { attempts: 2, baseDelayMs: 0, jitter: false },
      inspect: (event) => {
        inspected.push(event)
        // An actor ref is read when the event comes: its getSnapshot() is what a live inspector sees.
        if ('actorRef' in event) inspected.push(event.actorRef.getSnapshot())
      },
      onEvent: (event) => events.push(event),
    })
    onTestFinished(() => tokens.stop())

    const outcome = await tokens.getToken().then(
      () => undefined,
      (error: unknown) => error,
    )

    // The run did fail on the server's 500, through axios, twice.
    expect(outcome).toMatchObject({ code: 'REFRESH_FAILED', attempts: 2 })
    expect((outcome as Error).message).not.toMatch(/SECRET/)
    // The app's own error stays reachable to the app that made it.
    expect((outcome as { cause?: unknown }).cause).toBeInstanceOf(axios.AxiosError)
    const seen = JSON.stringify(inspected) + JSON.stringify(events)
    expect(seen).toContain('refresh.failed')
    expect(seen).toContain('AxiosError')
    expect(seen).toContain('500')
    for (const secret of [REFRESH, CLIENT_SECRET, PASSWORD]) expect(seen.includes(secret), secret).toBe(false)
  })
})

describe('inspection events, walked to the bottom', () => {
  it('hold no token, refresh token, password or client secret, whatever path an inspector follows', async () => {
    const { url } = await failingTokenEndpoint()
    const secrets = [ACCESS, ACCESS_AFTER, REFRESH, CLIENT_SECRET, PASSWORD]
    const leaks: string[] = []
    const events: InspectionEvent[] = []
    let calls = 0
    const tokens = createTokenController({
      fetchToken: async ({ refreshToken }) => {
        calls += 1
        if (calls === 1) return { access_token: ACCESS, refresh_token: REFRESH, expires_in: 3600 }
        if (calls === 2) {
          // A real AxiosError: its config.data is the form it posted, refresh token and credentials included.
          const body = `grant_type=refresh_token&refresh_token=${refreshToken}&client_secret=${CLIENT_SECRET}&password=${PASSWORD}`
          await axios.post(url, body, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        }
        if (calls === 3) throw new Error(`refresh failed for ${refreshToken}`)
        return { access_token: ACCESS_AFTER, refresh_token: REFRESH, expires_in: 3600 }
      },
      retry: { attempts: 3, baseDelayMs: 0, jitter: false },
      inspect: (event) => {
        // Walked as the event arrives: an actor view's getSnapshot() is what a live inspector sees then.
        events.push(event)
        try {
          for (const path of secretPaths(event, secrets)) leaks.push(`${event.type} ${path}`)
        } catch (error) {
          leaks.push(`walking ${event.type} threw ${String(error)}`)
        }
      },
    })
    onTestFinished(() => tokens.stop())

    await expect(tokens.getToken()).resolves.toBe(ACCESS)
    tokens.invalidate(ACCESS)
    await expect(tokens.getToken()).resolves.toBe(ACCESS_AFTER)

    // The run took every path the secrets travel: the AxiosError, the Error quoting the refresh token, a child
    // actor spawned and stopped (its ref in the action's params), and snapshots holding that child.
    expect(calls).toBe(4)
    const types = events.map((event) => (event.type === '@xstate.action' ? event.action.type : event.type))
    expect(types).toEqual(expect.arrayContaining(['xstate.spawnChild', 'xstate.stopChild', '@xstate.snapshot', '@xstate.microstep']))
    expect(leaks.slice(0, 10)).toEqual([])
    // Printed in full, hidden properties and getters included (after the walk: a live actor system prints for minutes).
    for (const event of events) {
      const printed = inspect(event, { depth: Infinity, showHidden: true, getters: true })
      for (const secret of secrets) expect(printed.includes(secret), `${event.type} prints ${secret}`).toBe(false)
    }
  })
})
