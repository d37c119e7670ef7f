// One loopback origin for the web-locks suites: the page (test/e2e/support/web-locks-page.ts bundled by esbuild)
// and, through same-origin-server.ts, /token and /api/* of a real token server that counts calls and answers 401 to
// a revoked token. Tabs are pages of one browser context: they share Web Locks, IndexedDB and BroadcastChannel.
import { build } from 'esbuild'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { launchChromium } from './browser.ts'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../../helpers/token-server.ts'
import { startSameOriginServer, type SameOriginServer } from './same-origin-server.ts'
import type { TabOptions } from './web-locks-page.ts'

export interface WebLocksOrigin {
  url: string
  tokenServer: TokenServer
  close(): Promise<void>
}

let bundled: string | undefined

/** The page script, bundled once per process. */
/**
 * One Chromium for a suite, the page script built before it: call at the top of a suite file, read `.browser` in tests.
 */
export function useChromiumForTabs(): { readonly browser: Browser } {
  const shared = {} as { browser: Browser }
  beforeAll(async () => {
    await pageScript()
    shared.browser = await launchChromium()
  })
  afterAll(async () => {
    await shared.browser?.close()
  })
  return shared
}

export async function pageScript(): Promise<string> {
  if (bundled === undefined) {
    const result = await build({
      entryPoints: [path.resolve('test/e2e/support/web-locks-page.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2017',
      nodePaths: [path.resolve('node_modules')],
      logLevel: 'silent',
    })
    bundled = (result.outputFiles[0] as { text: string }).text
  }
  return bundled
}

export async function startWebLocksOrigin(options: TokenServerOptions = {}): Promise<WebLocksOrigin> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'painless-token-web-locks-'))
  writeFileSync(path.join(dir, 'page.js'), await pageScript())
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>tab</title><script src="/page.js"></script>')
  const tokenServer = await startTokenServer(options)
  let origin: SameOriginServer
  try {
    origin = await startSameOriginServer(dir, tokenServer.url)
  } catch (error) {
    await tokenServer.close()
    throw error
  }
  return {
    url: origin.url,
    tokenServer,
    async close() {
      await origin.close()
      await tokenServer.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface OpenTabs {
  context: BrowserContext
  pages: Page[]
  /** Console errors and page errors seen in any tab. */
  problems: string[]
}

/** `count` tabs of the origin in a fresh browser context (fresh storage), each with a controller (see web-locks-page.ts). */
export async function openTabs(browser: Browser, origin: WebLocksOrigin, count: number, options: TabOptions): Promise<OpenTabs> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  const problems: string[] = []
  const pages: Page[] = []
  for (let i = 0; i < count; i++) {
    const page = await context.newPage()
    page.on('console', (message) => {
      // Chromium logs every 401 answer as a console error ("Failed to load resource"): an expected answer here.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(`tab ${i} console.error: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`tab ${i} page error: ${error.message}`))
    await page.goto(`${origin.url}/index.html`)
    await page.evaluate((tabOptions) => {
      window.openTab(tabOptions)
    }, options)
    pages.push(page)
  }
  return { context, pages, problems }
}
