// uni-app's own mp-weixin runtime, for the suites that run our code against the real `uni`: the `uni` of
// @dcloudio/uni-mp-weixin's uni.api.esm.js, bundled with esbuild and loaded on a `wx` the test builds. Found where
// examples/uni-app installed it (npm ci there), or in the node_modules directory named by UNI_RUNTIME_MODULES.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const modules = path.resolve(process.env.UNI_RUNTIME_MODULES ?? 'examples/uni-app/node_modules')
export const runtimeFile = path.join(modules, '@dcloudio/uni-mp-weixin/dist/uni.api.esm.js')
export const installed = existsSync(runtimeFile) && existsSync(path.join(modules, '@vue/shared'))

// What uni.api.esm.js imports besides @vue/shared, none of it on the request path: stubbed, not bundled.
const STUBS: Record<string, string> = {
  vue: 'export function injectHook() {}',
  '@dcloudio/uni-i18n': "export const LOCALE_EN = 'en'; export function normalizeLocale(locale) { return locale }",
  '@dcloudio/uni-shared':
    "export class Emitter { on() {} once() {} emit() {} off() {} }; export const ON_ERROR = 'onError'; export function onCreateVueApp() {}; export function invokeCreateVueAppHook() {}",
}

/** The runtime as one CommonJS script that reads a global `wx`. */
export async function bundleRuntime(): Promise<string> {
  const result = await build({
    entryPoints: [runtimeFile],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [modules],
    logLevel: 'silent',
    plugins: [
      {
        name: 'stubs',
        setup(b) {
          b.onResolve({ filter: /^(vue|@dcloudio\/uni-i18n|@dcloudio\/uni-shared)$/ }, (args) => ({ path: args.path, namespace: 'stub' }))
          b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }))
        },
      },
    ],
  })
  return (result.outputFiles[0] as { text: string }).text
}

/** A fresh `uni` on `wx` (uni-app keeps interceptors in module state): `wx` gets the system info calls uni reads. */
export function loadUniRuntime(code: string, wx: Record<string, unknown>): unknown {
  const platform = {
    getSystemInfoSync: () => ({ platform: 'devtools', language: 'en' }),
    getAppBaseInfo: () => ({ language: 'en' }),
    ...wx,
  }
  const module = { exports: {} as { default?: unknown } }
  new Function('wx', 'module', 'exports', code)(platform, module, module.exports)
  return module.exports.default
}
