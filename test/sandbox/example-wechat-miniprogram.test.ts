// examples/wechat-miniprogram run as WeChat runs it: the project built by WeChat's own "Build npm" (miniprogram-ci's
// packNpm over node_modules/painless-token as npm installs it), then app.js and the page's file in the mini-program
// sandbox requiring 'painless-token' and 'painless-token/wx' from the miniprogram_npm/ it wrote, wx.request routed
// from https://api.example.com to the loopback token server.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
import { createMiniProgramSandbox, type MiniProgramSandbox } from './mini-program-sandbox.ts'
import { buildWithWeChat, type WeChatBuild } from './wechat-build.ts'
import { createWxRuntime, type WxRuntime } from './wx-runtime.ts'

let project: WeChatBuild | undefined

beforeAll(async () => {
  project = await buildWithWeChat({ from: 'examples/wechat-miniprogram' })
}, 60_000)

afterAll(() => project?.remove())

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
  const files = (project as WeChatBuild).files
  const sandbox: MiniProgramSandbox = createMiniProgramSandbox({ wx: runtime.wx, deleteGlobalThis, files })
  onTestFinished(() => sandbox.dispose())
  sandbox.load(files['app.js'] as string, 'app.js')
  onTestFinished(() => sandbox.app?.tokens.stop())
  sandbox.load(files['pages/index/index.js'] as string, 'pages/index/index.js')
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
