// painless-token/web-locks in headless Chromium: tabs of one loopback origin, each with its own controller and
// `webLocksCoordinator`, against a real token server that counts calls. One refresh for a burst in three tabs; a
// handover when the tab holding the lock is closed mid-refresh; a revocation seen by one tab adopted by the others;
// versions only on the BroadcastChannel; a grant without an expiry shared as such.
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openTabs, startWebLocksOrigin, useChromiumForTabs, type WebLocksOrigin } from './support/web-locks-origin.ts'
import type { TokenServerOptions } from '../helpers/token-server.ts'

const chromium = useChromiumForTabs()

async function origin(options: TokenServerOptions = {}): Promise<WebLocksOrigin> {
  const started = await startWebLocksOrigin(options)
  onTestFinished(() => started.close())
  return started
}

/** `count` API requests from a tab at once; resolves with their final statuses (after any replay). */
const burst = (page: Page, count: number) =>
  page.evaluate((n) => Promise.all(Array.from({ length: n }, (_, i) => window.tab.request(`/api/data/${i}`))), count)

const answers = (page: Page) => page.evaluate(() => window.tab.answers)
const messages = (page: Page) => page.evaluate(() => window.tab.messages)
const currentToken = (page: Page) => page.evaluate(() => window.tab.tokens.currentToken() ?? null)

describe('webLocksCoordinator in headless Chromium', () => {
  it('a burst in 3 tabs makes exactly 1 token call, and every request gets the same token', async () => {
    const site = await origin({ delayMs: 30 })
    const { pages, problems } = await openTabs(chromium.browser, site, 3, { name: 'burst' })

    const statuses = await Promise.all(pages.map((page) => burst(page, 20)))

    expect(statuses.flat()).toEqual(Array.from({ length: 60 }, () => 200))
    expect(site.tokenServer.calls('/token')).toBe(1)
    const sent = (await Promise.all(pages.map(answers))).flat()
    expect(sent).toHaveLength(60)
    expect(new Set(sent.map((answer) => answer.token)).size).toBe(1)
    expect(sent[0]!.token).toMatch(/^[\w-]{20,}$/)
    const fetchCalls = await Promise.all(pages.map((page) => page.evaluate(() => window.tab.fetchCalls)))
    expect(fetchCalls.reduce((a, b) => a + b)).toBe(1)
    expect(problems).toEqual([])
  })

  it('closing the tab that holds the lock mid-refresh hands over: another tab completes, every request settles', async () => {
    const site = await origin({ delayMs: 3_000 })
    const { pages, problems } = await openTabs(chromium.browser, site, 3, { name: 'handover', fetchTimeoutMs: 8_000 })
    const pending = pages.map((page) => burst(page, 10))
    // The closed tab's requests end with the page.
    const closedTab = (index: number) => pending[index]!.catch(() => undefined)
    await site.tokenServer.whenCalled('/token', 1)
    const fetching = await Promise.all(pages.map((page) => page.evaluate(() => window.tab.fetching)))
    expect(fetching.filter(Boolean)).toHaveLength(1)
    const holder = fetching.indexOf(true)
    // The next token comes at once; the closed tab's call is answered to nobody.
    site.tokenServer.setTokenBehaviour({ delayMs: undefined })
    const started = Date.now()

    await pages[holder]!.close()
    await closedTab(holder)
    const others = pages.filter((_, i) => i !== holder)
    const settled = await Promise.allSettled(pending.filter((_, i) => i !== holder))

    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []))).toEqual(
      Array.from({ length: 20 }, () => 200),
    )
    // Handed over when the lock went with the tab, not after a fetchTimeoutMs (8 s) of waiting.
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(site.tokenServer.calls('/token')).toBe(2)
    const sent = (await Promise.all(others.map(answers))).flat()
    expect(new Set(sent.map((answer) => answer.token)).size).toBe(1)
    expect(problems).toEqual([])
  })

  it('a revocation seen by one tab (401, invalidate) is adopted by the others, which send the new token without a 401', async () => {
    const site = await origin()
    const { pages, problems } = await openTabs(chromium.browser, site, 3, { name: 'revocation' })
    await Promise.all(pages.map((page) => burst(page, 3)))
    expect(site.tokenServer.calls('/token')).toBe(1)
    const first = await currentToken(pages[0]!)

    site.tokenServer.revokeAll()
    expect(await burst(pages[0]!, 1)).toEqual([200])

    const second = await currentToken(pages[0]!)
    expect(second).not.toBe(first)
    for (const page of pages.slice(1)) await expect.poll(() => currentToken(page)).toBe(second)
    const statuses = await Promise.all(pages.slice(1).map((page) => burst(page, 5)))
    expect(statuses.flat()).toEqual(Array.from({ length: 10 }, () => 200))
    expect(site.tokenServer.calls('/token')).toBe(2)
    // The revoking tab saw its one 401; the others none: every request they sent after it carried the new token.
    expect((await answers(pages[0]!)).filter((answer) => answer.status === 401)).toHaveLength(1)
    for (const page of pages.slice(1)) {
      const seen = await answers(page)
      expect(seen.filter((answer) => answer.status === 401)).toEqual([])
      expect(seen.slice(3).map((answer) => answer.token)).toEqual(Array.from({ length: 5 }, () => second))
      expect(await page.evaluate(() => window.tab.events)).toContain('token.adopted')
    }
    expect(problems).toEqual([])
  })

  it('puts versions only on the BroadcastChannel, never a token', async () => {
    const site = await origin()
    const { pages, problems } = await openTabs(chromium.browser, site, 3, { name: 'channel' })
    await Promise.all(pages.map((page) => burst(page, 2)))
    site.tokenServer.revokeAll()
    await burst(pages[1]!, 1)
    // Tab 2 holds the second token before it too is revoked (else its 401 would be for the first one).
    await expect.poll(() => currentToken(pages[2]!)).toBe(await currentToken(pages[1]!))
    site.tokenServer.revokeAll()
    await burst(pages[2]!, 1)

    const heard = (await Promise.all(pages.map(messages))).flat()
    const tokens = new Set((await Promise.all(pages.map(answers))).flat().map((answer) => answer.token))
    expect(site.tokenServer.calls('/token')).toBe(3)
    expect(tokens.size).toBe(3)
    // Each tab's spy hears every announcement, its own tab's included: 3 publishes x 3 tabs.
    expect(heard).toHaveLength(9)
    for (const message of heard) {
      expect(Object.keys(JSON.parse(message))).toEqual(['version'])
      for (const token of tokens) expect(message).not.toContain(token)
    }
    expect(heard.map((message) => JSON.parse(message).version).sort()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3])
    expect(problems).toEqual([])
  })

  it('shares a grant without an expiry as one: Infinity survives IndexedDB', async () => {
    const site = await origin()
    const { pages, problems } = await openTabs(chromium.browser, site, 2, { name: 'no-expiry', noExpiry: true })
    await burst(pages[0]!, 1)
    await expect.poll(() => currentToken(pages[1]!)).toBe(await currentToken(pages[0]!))

    const stored = await pages[1]!.evaluate(() => window.tab.storedRecord())
    expect(stored).toMatchObject({ version: 1, expiresAt: Infinity, lifetimeMs: Infinity })
    expect(await burst(pages[1]!, 2)).toEqual([200, 200])
    expect(site.tokenServer.calls('/token')).toBe(1)
    expect(problems).toEqual([])
  })
})
