// The page script of the web-locks suites (bundled by esbuild for headless Chromium, served from one loopback
// origin): a controller with `webLocksCoordinator`, an API client through `withTokens` that records every answer,
// a spy on the BroadcastChannel, and, for the control run only, the same coordinator over localStorage.
import { createTokenController, type TokenController, type TokenControllerEvent } from '../../../src/index.ts'
import { withTokens } from '../../../src/entries/fetch.ts'
import { webLocksCoordinator } from '../../../src/entries/web-locks.ts'
import { createCoordinator, sharedRecord } from '../../../src/coordination/coordinate.ts'
import type { CoordinationEngine, PublishedGrant, SharedRecord, TokenCoordinator } from '../../../src/coordination/types.ts'

export interface TabOptions {
  name: string
  /** 'indexeddb' (default): the package's coordinator; 'localstorage': the control (record in localStorage, same Web Lock). */
  engine?: 'indexeddb' | 'localstorage'
  fetchTimeoutMs?: number
  /** Drop `expires_in` from the token answer: the grant never expires (defaultLifetimeMs: Infinity). */
  noExpiry?: boolean
  /** The coordinator's BroadcastChannel posts nothing: a tab learns of a new token only under the lock. */
  muteAnnouncements?: boolean
}

export interface ApiAnswer {
  status: number
  token: string | undefined
}

export interface Tab {
  tokens: TokenController
  /** Upstream token calls made by this tab, and whether one is in flight. */
  fetchCalls: number
  fetching: boolean
  events: string[]
  /** Every answer the API client received (replays included), with the token it sent. */
  answers: ApiAnswer[]
  /** Each message heard on the coordinator's BroadcastChannel, as JSON. */
  messages: string[]
  request(path: string): Promise<number>
  /** One handoff: forget `previous` (a 401 for it) and ask for a token. */
  handoff(previous: string): Promise<string>
  storedRecord(): Promise<unknown>
}

declare global {
  interface Window {
    openTab(options: TabOptions): Tab
    tab: Tab
  }
}

window.openTab = (options) => {
  const spy = new BroadcastChannel(options.name)
  // A stand-in the coordinator finds at construction: it cannot wake other tabs, so each learns under the lock.
  if (options.muteAnnouncements) {
    window.BroadcastChannel = class {
      onmessage = null
      postMessage() {}
      close() {}
    } as unknown as typeof BroadcastChannel
  }
  const coordinator =
    options.engine !== 'localstorage' ? webLocksCoordinator({ name: options.name }) : localStorageCoordinator(options.name)
  const tab: Tab = {
    tokens: undefined as unknown as TokenController,
    fetchCalls: 0,
    fetching: false,
    events: [],
    answers: [],
    messages: [],
    request: (path) => api(`${location.origin}${path}`).then((answer) => answer.status),
    handoff(previous) {
      tab.tokens.invalidate(previous)
      return tab.tokens.getToken()
    },
    storedRecord: () => readIndexedDb(`painless-token:${options.name}`),
  }
  spy.onmessage = (event) => tab.messages.push(JSON.stringify(event.data))
  tab.tokens = createTokenController({
    fetchToken: async ({ signal }) => {
      tab.fetchCalls++
      tab.fetching = true
      try {
        const answer = await fetch('/token', { method: 'POST', signal: signal as AbortSignal })
        if (!answer.ok) throw new Error(`token endpoint answered ${answer.status}`)
        const body = (await answer.json()) as Record<string, unknown>
        if (options.noExpiry) delete body.expires_in
        return body as { access_token: string }
      } finally {
        tab.fetching = false
      }
    },
    coordinator,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 5_000,
    defaultLifetimeMs: options.noExpiry ? Infinity : undefined,
    retry: { attempts: 3, baseDelayMs: 50, jitter: false },
    onEvent: (event: TokenControllerEvent) => tab.events.push(event.type),
  })
  const api = withTokens(async (input: unknown, init?: RequestInit) => {
    const response = await fetch(input as string, init)
    const sent = new Headers(init?.headers).get('authorization') ?? undefined
    tab.answers.push({ status: response.status, token: sent?.replace(/^Bearer /, '') })
    return response
  }, tab.tokens)
  window.tab = tab
  return tab
}

function readIndexedDb(dbName: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName, 1)
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      if (!db.objectStoreNames.contains('shared')) {
        db.close()
        resolve(null)
        return
      }
      const get = db.transaction('shared', 'readonly').objectStore('shared').get('token')
      get.onsuccess = () => {
        db.close()
        resolve(get.result)
      }
      get.onerror = () => reject(get.error)
    }
  })
}

// The control: the same driver, the same Web Lock and channel, but the record in localStorage (what auth0-spa-js
// does: take a lock, re-read localStorage). Written here on purpose, not in src: it is what the issue measured as
// not enough (the next holder can read the value from before the last holder's write).
function localStorageCoordinator(name: string): TokenCoordinator {
  const key = `painless-token-control:${name}`
  const stored = (): { version: number; accessToken: string; expiresAt: number; lifetimeMs: number } | null => {
    const text = localStorage.getItem(key)
    return text === null ? null : JSON.parse(text)
  }
  const toRecord = (value: NonNullable<ReturnType<typeof stored>>): SharedRecord =>
    sharedRecord({
      version: value.version,
      accessToken: value.accessToken,
      remainingMs: Math.max(0, value.expiresAt - Date.now()),
      lifetimeMs: value.lifetimeMs,
    })
  const poster = new BroadcastChannel(name)
  const engine: CoordinationEngine = {
    kind: 'localstorage-control',
    check() {},
    async read() {
      const value = stored()
      return value === null ? null : toRecord(value)
    },
    acquire: ({ knownVersion, signal }) =>
      new Promise((resolve, reject) => {
        let release = () => {}
        const held = new Promise<void>((end) => (release = end))
        navigator.locks
          .request(`${name}:refresh`, { signal: signal as AbortSignal }, () => {
            const value = stored()
            if (signal.aborted) {
              release()
              reject(new Error('aborted'))
            } else if (value !== null && value.version > knownVersion) {
              release()
              resolve({ kind: 'shared', record: toRecord(value) })
            } else {
              resolve({
                kind: 'acquired',
                lock: release,
                version: value === null ? 0 : value.version,
                record: value === null ? null : toRecord(value),
              })
            }
            return held
          })
          .catch(reject)
      }),
    async publish(_lock, expectedVersion, grant: PublishedGrant) {
      const value = stored()
      const version = value === null ? 0 : value.version
      if (version !== expectedVersion) return { written: false, record: value === null ? null : toRecord(value) }
      const next = {
        version: version + 1,
        accessToken: grant.accessToken,
        expiresAt: Date.now() + grant.remainingMs,
        lifetimeMs: grant.lifetimeMs,
      }
      localStorage.setItem(key, JSON.stringify(next))
      poster.postMessage({ version: next.version })
      return { written: true, record: toRecord(next) }
    },
    async release(lock) {
      ;(lock as () => void)()
    },
    waitForChange: (ms, signal) =>
      new Promise<void>((resolve) => {
        const channel = new BroadcastChannel(name)
        const done = () => {
          channel.close()
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(done, ms)
        channel.onmessage = done
        signal.addEventListener('abort', done)
      }),
    watch(listener) {
      const channel = new BroadcastChannel(name)
      channel.onmessage = (event) => listener((event.data as { version: number }).version)
      return () => channel.close()
    },
    async close() {
      poster.close()
    },
  }
  return createCoordinator(engine)
}
