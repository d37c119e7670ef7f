// A holder frozen past fetchTimeoutMs is stolen from, once: the tab holding the Web Lock is frozen mid-fetch (its
// main thread blocked by a long task, as a debugger or a hung script would: its own fetchTimeoutMs timer cannot
// fire, so it never lets go), two other tabs wait; one of them steals the lock after the holder's stamp +
// fetchTimeoutMs and refreshes, the other adopts that token. When the frozen tab wakes, it takes the newer shared
// token; its own late answer replaces nothing. (Page.setWebLifecycleState 'frozen' of the DevTools protocol does
// not freeze a visible headless tab: its timers kept running, so it released the lock on time itself.)
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openTabs, startWebLocksOrigin, useChromiumForTabs } from './support/web-locks-origin.ts'

const chromium = useChromiumForTabs()

const FETCH_TIMEOUT_MS = 2_000
const currentToken = (page: Page) => page.evaluate(() => window.tab.tokens.currentToken() ?? null)

describe('a frozen lock holder', () => {
  it('is stolen from once: one more token call, every waiting tab gets that token, the frozen tab adopts it on waking', async () => {
    const site = await startWebLocksOrigin({ delayMs: 4_000 })
    onTestFinished(() => site.close())
    const { pages, problems } = await openTabs(chromium.browser, site, 3, { name: 'steal', fetchTimeoutMs: FETCH_TIMEOUT_MS })
    const [frozen, b, c] = pages as [Page, Page, Page]
    await frozen.evaluate(() => {
      ;(window as unknown as { first: Promise<string> }).first = window.tab.tokens.getToken()
    })
    await site.tokenServer.whenCalled('/token', 1)
    // Blocks the tab's main thread for 2.5 x fetchTimeoutMs; the evaluation ends when the tab wakes.
    const frozenFor = frozen.evaluate((ms) => {
      const until = Date.now() + ms
      while (Date.now() < until);
    }, 2.5 * FETCH_TIMEOUT_MS)
    site.tokenServer.setTokenBehaviour({ delayMs: undefined })
    const started = Date.now()

    const [tokenB, tokenC] = await Promise.all([b, c].map((page) => page.evaluate(() => window.tab.tokens.getToken())))

    expect(tokenB).toBe(tokenC)
    expect(site.tokenServer.calls('/token')).toBe(2)
    // Not before the holder's fetchTimeoutMs (the frozen tab still held the lock), and well before it wakes (2.5 x):
    // without the steal this measured 5.1 s, with it 2.0 to 2.3 s.
    const elapsed = Date.now() - started
    console.log(`web-locks steal: the waiters got a token ${elapsed} ms after the holder froze`)
    expect(elapsed).toBeGreaterThan(FETCH_TIMEOUT_MS * 0.75)
    expect(elapsed).toBeLessThan(2 * FETCH_TIMEOUT_MS)
    const fetchCalls = await Promise.all([b, c].map((page) => page.evaluate(() => window.tab.fetchCalls)))
    expect(fetchCalls.sort()).toEqual([0, 1])

    await frozenFor
    expect(await frozen.evaluate(() => (window as unknown as { first: Promise<string> }).first)).toBe(tokenB)
    await expect.poll(() => currentToken(frozen)).toBe(tokenB)
    expect(await currentToken(b)).toBe(tokenB)
    expect(site.tokenServer.calls('/token')).toBe(2)
    expect(problems).toEqual([])
  })
})
