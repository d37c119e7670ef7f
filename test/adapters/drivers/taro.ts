// Scenario client on the real @tarojs/taro 4.2.1: its Link and Chain (the interceptor onion, from @tarojs/api) and
// its Taro.request (processApis from @tarojs/shared, which every mini-program platform plugin calls with its
// global, e.g. `processApis(taro, wx)` in @tarojs/plugin-platform-weapp), over a wx-shaped runtime that does real
// HTTP (the Node uni shim). createTaroInterceptor (painless-token/taro) is added with Taro.addInterceptor.
import { vi } from 'vitest'
import { createTaroInterceptor } from '../../../src/entries/taro.ts'
import type { UniShim } from '../../helpers/uni-shim.ts'
import {
  adapterOptions,
  answerOutcome,
  createHarness,
  errorOutcome,
  miniRefused,
  resolvesAll,
  TOKEN_FORM,
  type ClientConfig,
  type ScenarioClient,
} from '../harness.ts'

// `auth: false` on Taro.request's own options type, as the README tells Taro users to declare it.
declare module '@tarojs/taro' {
  namespace request {
    // oxlint-disable-next-line no-unused-vars -- a merged declaration must repeat Taro's type parameters.
    interface Option<T, U> {
      auth?: boolean
    }
  }
}

/** What the tests use of Taro: the real object, with request/addInterceptor as a platform plugin installs them. */
export interface TaroLike {
  request(options: Record<string, unknown>): Promise<any> & { abort?: () => void }
  getStorageSync(key: string): unknown
  setStorageSync(key: string, data: unknown): void
  removeStorageSync(key: string): void
  addInterceptor(interceptor: (chain: any) => unknown): void
  interceptors: { logInterceptor(chain: any): Promise<any>; timeoutInterceptor(chain: any): Promise<any> }
}

// Not Node globals, and not ours to add to src: @tarojs/runtime reads these build flags, which Taro's bundler
// defines (webpack DefinePlugin), when it loads; processApis reads the mini-program's own globals.
const BUILD_FLAGS = [
  'ENABLE_INNER_HTML',
  'ENABLE_ADJACENT_HTML',
  'ENABLE_SIZE_APIS',
  'ENABLE_TEMPLATE_CONTENT',
  'ENABLE_CLONE_NODE',
  'ENABLE_CONTAINS',
  'ENABLE_MUTATION_OBSERVER',
]

let loaded: Promise<{ Taro: object; processApis: (taro: object, global: object) => void }> | undefined

/** Loads @tarojs/taro once per test file, with what a mini-program build provides around it. */
function loadTaro() {
  loaded ??= (async () => {
    for (const flag of BUILD_FLAGS) vi.stubGlobal(flag, false)
    vi.stubGlobal('getCurrentPages', () => [])
    vi.stubGlobal('getApp', () => ({}))
    const Taro = (await import('@tarojs/taro')).default as object
    const { processApis } = (await import('@tarojs/shared')) as unknown as { processApis: (taro: object, global: object) => void }
    return { Taro, processApis }
  })()
  return loaded
}

/**
 * A Taro as a mini-program build sets it up, over `platform` (a wx-shaped global). Each call gives its own
 * interceptor chain: an object that inherits the real Taro, on which processApis installs request/addInterceptor.
 */
export async function createTaro(
  platform: { request: UniShim['request'] } & Partial<Pick<UniShim, 'getStorageSync' | 'setStorageSync' | 'removeStorageSync'>>,
): Promise<TaroLike> {
  const { Taro, processApis } = await loadTaro()
  const taro = Object.create(Taro) as TaroLike
  const { request, getStorageSync, setStorageSync, removeStorageSync } = platform
  // wx's request, and its storage calls where the platform has them (Taro wraps each sync call it finds).
  processApis(taro, getStorageSync ? { request, getStorageSync, setStorageSync, removeStorageSync } : { request })
  return taro
}

export async function startTaro(config: ClientConfig, platform: { request: UniShim['request'] }): Promise<ScenarioClient> {
  const taro = await createTaro(platform)
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await taro.request({ ...token, dataType: 'json', auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  taro.addInterceptor(createTaroInterceptor(harness.tokens, adapterOptions(config, miniRefused)))
  return harness.client((path, options = {}) => {
    const sent = taro.request({ url: config.serverUrl + path, method: options.method ?? 'GET', dataType: 'json', auth: options.auth })
    const outcome = sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome)
    return { outcome, abort: () => sent.abort?.() }
  }, resolvesAll)
}
