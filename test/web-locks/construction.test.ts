// webLocksCoordinator's construction in Node, no browser: bad names and missing browser APIs are TypeErrors at once,
// naming what is wrong. Node 20 has BroadcastChannel but neither navigator.locks nor indexedDB; the stand-ins below
// only have to exist (construction opens nothing): the real behaviour is tested in Chromium (test/e2e/web-locks*).
import { webLocksCoordinator } from 'painless-token/web-locks'
import { afterEach, describe, expect, it, vi } from 'vitest'

// Shims: Node has no Web Locks or IndexedDB. Construction only checks that they are there.
const locksStandIn = { locks: { request: () => Promise.resolve() } }
const indexedDbStandIn = { open: () => ({}) }

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('webLocksCoordinator({ name }) at construction', () => {
  it.each([
    ['no options', undefined],
    ['null', null],
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a number for a name', { name: 7 }],
  ])('refuses %s with a TypeError naming `name`', (_label, options) => {
    vi.stubGlobal('navigator', locksStandIn)
    vi.stubGlobal('indexedDB', indexedDbStandIn)
    expect(() => webLocksCoordinator(options as never)).toThrow(TypeError)
    if (options !== undefined && options !== null)
      expect(() => webLocksCoordinator(options as never)).toThrow(/name must be a non-empty string/)
  })

  it('names navigator.locks and indexedDB in plain Node, which lacks both (and has BroadcastChannel)', () => {
    expect(typeof BroadcastChannel).toBe('function')
    expect(() => webLocksCoordinator({ name: 'app' })).toThrow(TypeError)
    expect(() => webLocksCoordinator({ name: 'app' })).toThrow(/lacks navigator\.locks \(Web Locks\), indexedDB;/)
  })

  it('names BroadcastChannel alone when only it is missing', () => {
    vi.stubGlobal('navigator', locksStandIn)
    vi.stubGlobal('indexedDB', indexedDbStandIn)
    vi.stubGlobal('BroadcastChannel', undefined)
    expect(() => webLocksCoordinator({ name: 'app' })).toThrow(/lacks BroadcastChannel;/)
  })

  it('names Web Locks when navigator exists without locks (an older browser, or an insecure context)', () => {
    vi.stubGlobal('navigator', { userAgent: 'old' })
    vi.stubGlobal('indexedDB', indexedDbStandIn)
    expect(() => webLocksCoordinator({ name: 'app' })).toThrow(/lacks navigator\.locks \(Web Locks\);/)
  })

  it('does not fall back to localStorage when it is there', () => {
    const getItem = vi.fn()
    vi.stubGlobal('localStorage', { getItem, setItem: vi.fn(), removeItem: vi.fn() })
    expect(() => webLocksCoordinator({ name: 'app' })).toThrow(/there is no localStorage fallback/)
    expect(getItem).not.toHaveBeenCalled()
  })

  it('builds a coordinator when all three are there, and checks onUnavailable', () => {
    vi.stubGlobal('navigator', locksStandIn)
    vi.stubGlobal('indexedDB', indexedDbStandIn)
    expect(typeof webLocksCoordinator({ name: 'app' }).connect).toBe('function')
    expect(typeof webLocksCoordinator({ name: 'app', onUnavailable: 'fail' }).connect).toBe('function')
    expect(() => webLocksCoordinator({ name: 'app', onUnavailable: 'never' as never })).toThrow(/onUnavailable must be 'local' or 'fail'/)
  })
})
