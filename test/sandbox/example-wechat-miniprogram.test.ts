// examples/wechat-miniprogram run as WeChat runs it: app.js and the page's file in the mini-program sandbox, the
// library as a built npm package, wx.request routed from https://api.example.com to the loopback token server.
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
import { bundleForMiniProgram } from './bundle.ts'
import { createMiniProgramSandbox, type MiniProgramSandbox } from './mini-program-sandbox.ts'
import { createWxRuntime, type WxRuntime } from './wx-runtime.ts'

const EXAMPLE = 'examples/wechat-miniprogram/'
const source = (file: string) => readFileSync(EXAMPLE + file, 'utf8')
let npm = ''

beforeAll(async () => {
  npm = await bundleForMiniProgram({ entry: 'test/sandbox/entries/miniprogram-npm.ts' })
})

interface PageInstance {
  data: Record<string, any>
  onLoad(): void
  load(): void
  /** Resolves with the data after the next setData. */
  nextData(): Promise<Record<string, any>>
}

/** Starts the example against a fresh server: the app is launched and the orders page loaded. */
async function launch(serverOptions: TokenServerOptions, deleteGlobalThis: boolean) {
  const server: TokenServer = await startTokenServer(serverOptions)
  onTestFinished(() => server.close())
  const runtime: WxRuntime = createWxRuntime({ route: (url) => url.replace('https://api.example.com', server.url) })
  onTestFinished(() => runtime.close())
  const sandbox: MiniProgramSandbox = createMiniProgramSandbox({ wx: runtime.wx, deleteGlobalThis })
  onTestFinished(() => sandbox.dispose())
  const library = sandbox.load(npm, 'miniprogram_npm/painless-token/index.js')
  sandbox.provide('painless-token', library)
  sandbox.provide('painless-token/wx', library)
  sandbox.load(source('app.js'), 'app.js')
  onTestFinished(() => sandbox.app?.tokens.stop())
  sandbox.load(source('pages/index/index.js'), 'pages/index/index.js')
  const page = instantiate(sandbox.pages[0]?.options as Record<string, any>)
  return { server, runtime, sandbox, page }
}

// What WeChat does with a Page() definition: an instance with its data and setData, then the lifecycle.
function instantiate(definition: Record<string, any>): PageInstance {
  const waiting: Array<(data: Record<string, any>) => void> = []
  const page = Object.assign(Object.create(definition), {
    data: { ...definition.data },
    setData(patch: Record<string, unknown>) {
      Object.assign(page.data, patch)
      for (const resolve of waiting.splice(0)) resolve(page.data)
    },
    nextData: () => new Promise<Record<string, any>>((resolve) => waiting.push(resolve)),
  })
  return page
}

describe.each([
  ['with globalThis', false],
  ['with globalThis deleted', true],
])('examples/wechat-miniprogram in the sandbox, %s', (_, deleteGlobalThis) => {
  it('loads the orders with a token from wx.login, keeps it in wx storage, and reloads after a revocation', async () => {
    const { server, runtime, page } = await launch({}, deleteGlobalThis)

    const loaded = page.nextData()
    page.onLoad()
    expect(await loaded).toMatchObject({ error: '', orders: { code: 200, data: { path: '/api/orders' } } })
    expect(runtime.storage.has('painless-token')).toBe(true)

    server.revokeAll()
    const reloaded = page.nextData()
    page.load()
    expect(await reloaded).toMatchObject({ error: '', orders: { code: 200 } })
    expect(server.calls('/token')).toBe(2)
    expect(server.calls('/api/orders')).toBe(3)
  })

  it('shows REFRESH_FAILED on the page when the token endpoint keeps failing', async () => {
    const { server, page } = await launch({ tokenStatus: 503 }, deleteGlobalThis)

    const shown = page.nextData()
    page.onLoad()

    expect(await shown).toMatchObject({ error: 'REFRESH_FAILED', orders: null })
    expect(server.calls('/api/orders')).toBe(0)
  })
})
