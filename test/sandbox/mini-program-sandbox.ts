// A Node `vm` context that offers only what a WeChat mini-program's JS runtime declares (miniprogram-api-typings):
// console, the four timers, wx, App, Page, Component, Behavior, getApp, getCurrentPages, require/module/exports and
// a plain `global` object. No window, fetch, XMLHttpRequest, AbortController, URL, TextEncoder, atob, queueMicrotask,
// structuredClone, crypto, process or Buffer; no eval or new Function (WeChat forbids them); optionally no globalThis.
import { posix } from 'node:path'
import vm from 'node:vm'

/** The globals the sandbox offers, besides the language's own built-ins. */
export const OFFERED_GLOBALS = [
  'console',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'wx',
  'App',
  'Page',
  'Component',
  'Behavior',
  'getApp',
  'getCurrentPages',
  'require',
  'module',
  'exports',
  'global',
] as const

export interface SandboxOptions {
  /** The `wx` object (built outside, see wx-runtime.ts). */
  wx?: Record<string, unknown>
  /** An Alipay runtime instead: `my` (alipay-runtime.ts), and no `wx` at all. */
  my?: Record<string, unknown>
  /** Delete `globalThis` inside, as on WeChat versions without it. */
  deleteGlobalThis?: boolean
  /** Also define `uni` inside the context, built on that wx as uni-app's mp-weixin runtime does. */
  uniOnWx?: boolean
  /**
   * The project's files by path ('app.js', 'common/vendor.js'): `require('../../common/vendor.js')` then loads
   * one relative to the requiring file, once, as WeChat does for a compiled project (uni-app's mp-weixin build).
   * A bare name (`require('painless-token/wx')`) is looked up as WeChat looks up a built npm package: in
   * `miniprogram_npm/` beside the requiring file, then in each folder above, as `<name>.js` or `<name>/index.js`.
   */
  files?: Readonly<Record<string, string>>
}

export interface PageDefinition {
  route: string
  options: Record<string, any>
}

export interface MiniProgramSandbox {
  /** Runs a file as the mini-program loads one, inside `function (require, module, exports)`; returns its exports. */
  load(code: string, filename: string): any
  /** Makes `require(name)` return `exports`, as a built miniprogram_npm package does. */
  provide(name: string, exports: unknown): void
  /** What App() registered, as getApp() returns it. */
  readonly app: Record<string, any> | undefined
  readonly pages: PageDefinition[]
  /** Evaluates an expression inside, for checks such as `typeof globalThis`. */
  evaluate(expression: string): unknown
  /** Clears every timer the code left behind. */
  dispose(): void
}

export function createMiniProgramSandbox(options: SandboxOptions): MiniProgramSandbox {
  // Timers hand out numbers, as WeChat's do; Node's Timeout objects (with unref) would not be faithful.
  const timers = new Map<number, ReturnType<typeof setTimeout>>()
  let nextTimer = 1
  const later =
    (repeat: boolean) =>
    (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const id = nextTimer++
      const run = () => {
        if (!repeat) timers.delete(id)
        callback(...args)
      }
      timers.set(id, repeat ? setInterval(run, ms) : setTimeout(run, ms))
      return id
    }
  const cancel = (id: unknown) => {
    const handle = timers.get(id as number)
    if (handle !== undefined) clearTimeout(handle)
    timers.delete(id as number)
  }

  let app: Record<string, any> | undefined
  const pages: PageDefinition[] = []
  let loading = ''
  const modules = new Map<string, unknown>()
  const host = {
    console,
    setTimeout: later(false),
    clearTimeout: cancel,
    setInterval: later(true),
    clearInterval: cancel,
    wx: options.wx,
    App: (definition: Record<string, any>) => void (app = definition),
    Page: (definition: Record<string, any>) => void pages.push({ route: loading, options: definition }),
    Component: (definition: Record<string, any>) => void pages.push({ route: loading, options: definition }),
    Behavior: (definition: Record<string, any>) => definition,
    getApp: () => app,
    getCurrentPages: () => [],
    // Only what was provided (built npm packages) or a project file; an unknown module throws as WeChat's does.
    require: (name: string) => requireFrom('')(name),
    module: { exports: {} },
    exports: {},
    global: {},
  }
  if (options.my) {
    delete (host as { wx?: unknown }).wx
    Object.assign(host, { my: options.my })
  }
  const context = vm.createContext(host, { codeGeneration: { strings: false, wasm: false } })
  // WeChat has WXWebAssembly instead; V8 gives every context the standard one.
  vm.runInContext('delete WebAssembly', context)
  if (options.uniOnWx) {
    new vm.Script(
      'var uni = { request: function (options) { return wx.request(options) },' +
        ' uploadFile: function (options) { return wx.uploadFile(options) }, downloadFile: function (options) { return wx.downloadFile(options) },' +
        ' getStorageSync: function (key) { return wx.getStorageSync(key) },' +
        ' setStorageSync: function (key, value) { wx.setStorageSync(key, value) }, removeStorageSync: function (key) { wx.removeStorageSync(key) } }',
      { filename: 'uni-on-wx.js' },
    ).runInContext(context)
  }
  if (options.deleteGlobalThis) vm.runInContext('delete globalThis', context)

  const loaded = new Map<string, { exports: Record<string, unknown> }>()
  function requireFrom(filename: string) {
    return (name: string): unknown => {
      if (modules.has(name)) return modules.get(name)
      const path = name.startsWith('.') ? posix.join(posix.dirname(filename), name) : npmPath(filename, name)
      const code = path === undefined ? undefined : options.files?.[path]
      if (code === undefined) throw new Error(`module '${name}' is not defined`)
      return (loaded.get(path as string) ?? run(code, path as string)).exports
    }
  }
  function npmPath(filename: string, name: string): string | undefined {
    for (let dir = posix.dirname(filename); ; dir = posix.dirname(dir)) {
      for (const candidate of [`${name}.js`, `${name}/index.js`]) {
        const path = posix.join(dir, 'miniprogram_npm', candidate)
        if (options.files?.[path] !== undefined) return path
      }
      if (dir === '.' || dir === '/') return name
    }
  }
  function run(code: string, filename: string) {
    const outer = loading
    loading = filename.replace(/\.js$/, '')
    // Cached before it runs, so a require cycle sees the partial exports, as CommonJS does.
    const module = { exports: {} as Record<string, unknown> }
    loaded.set(filename, module)
    try {
      const wrapper = new vm.Script(`(function (require, module, exports) {${code}\n})`, { filename })
      wrapper.runInContext(context)(requireFrom(filename), module, module.exports)
    } finally {
      loading = outer
    }
    return module
  }

  return {
    load: (code, filename) => run(code, filename).exports,
    provide: (name, exports) => void modules.set(name, exports),
    get app() {
      return app
    },
    pages,
    evaluate: (expression) => vm.runInContext(expression, context),
    dispose() {
      for (const handle of timers.values()) clearTimeout(handle)
      timers.clear()
    },
  }
}
