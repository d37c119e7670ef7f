// Runs a compiled uni-app mini-program (dist/build/mp-weixin) the way WeChat does, inside the mini-program
// sandbox (test/sandbox): app.js and every page from app.json are loaded, App's onLaunch/onShow called, and a
// page is a Component instance whose lifetimes the harness calls in WeChat's order. A page "renders" through
// its WXML: an attribute bound as `data-error="{{l}}"` reads `data.l`, and a tap calls the method its `bindtap`
// names, as WeChat's render layer would.
import { createMiniProgramSandbox, type MiniProgramSandbox } from '../../sandbox/mini-program-sandbox.ts'

export interface MiniProgramOptions {
  /** Every file of the build by path ('app.js', 'common/vendor.js', 'pages/index/index.wxml' …). */
  files: Readonly<Record<string, string>>
  wx: Record<string, unknown>
  deleteGlobalThis?: boolean
}

export interface RunningMiniProgram {
  sandbox: MiniProgramSandbox
  app: Record<string, any>
  /** Opens a page as a navigation would: created, attached, onLoad(query), onShow, ready. */
  openPage(route: string, query?: Record<string, string>): MiniProgramPage
  dispose(): void
}

export interface MiniProgramPage {
  /** What setData has rendered so far. */
  readonly data: Readonly<Record<string, unknown>>
  /** The rendered value of `attribute` on the element whose opening tag contains `marker` (e.g. 'data-testid="outcome"'). */
  attribute(marker: string, attribute: string): unknown
  /** Taps the element whose opening tag contains `marker`: calls the method its bindtap/catchtap names. */
  tap(marker: string): void
  /** Calls a page lifecycle method (onPullDownRefresh, onUnload …) on the instance. */
  lifecycle(name: string, ...args: unknown[]): unknown
  /** Resolves once `condition` holds for the rendered data, checked after every setData. */
  until(condition: () => boolean): Promise<void>
}

export const LAUNCH_OPTIONS = { path: 'pages/index/index', query: {}, scene: 1001, referrerInfo: {}, apiCategory: 'default' }

export function launchMiniProgram(options: MiniProgramOptions): RunningMiniProgram {
  const { files } = options
  const sandbox = createMiniProgramSandbox({ wx: options.wx, deleteGlobalThis: options.deleteGlobalThis, files })
  sandbox.load(file(files, 'app.js'), 'app.js')
  const app = sandbox.app
  if (!app) throw new Error('app.js registered no App()')
  // WeChat loads every page's script at start, then launches the app.
  const { pages } = JSON.parse(file(files, 'app.json')) as { pages: string[] }
  for (const route of pages) sandbox.load(file(files, `${route}.js`), `${route}.js`)
  app.onLaunch?.call(app, LAUNCH_OPTIONS)
  app.onShow?.call(app, LAUNCH_OPTIONS)

  return {
    sandbox,
    app,
    openPage(route, query = {}) {
      const definition = sandbox.pages.find((page) => page.route === route)?.options
      if (!definition) throw new Error(`no page registered for ${route}`)
      return instantiate(definition, route, file(files, `${route}.wxml`), query)
    },
    dispose: () => sandbox.dispose(),
  }
}

function file(files: Readonly<Record<string, string>>, path: string): string {
  const text = files[path]
  if (text === undefined) throw new Error(`the build has no ${path}`)
  return text
}

// A Component instance as WeChat builds one for a page: data, properties with their defaults, the methods, setData
// that patches by path and calls back after "rendering", then the lifetimes in order.
function instantiate(definition: Record<string, any>, route: string, wxml: string, query: Record<string, string>): MiniProgramPage {
  if ((definition.behaviors ?? []).length > 0) throw new Error(`behaviors are not emulated: ${String(definition.behaviors)}`)
  const watchers = new Set<() => boolean>()
  const instance: Record<string, any> = {
    route,
    is: route,
    __route__: route,
    __wxWebviewId__: 1,
    __wxExparserNodeId__: 'page-1',
    data: JSON.parse(JSON.stringify(definition.data ?? {})),
    properties: defaultsOf(definition.properties ?? {}),
    setData(patch: Record<string, unknown>, callback?: () => void) {
      for (const [path, value] of Object.entries(patch)) setPath(instance.data, path, JSON.parse(JSON.stringify(value ?? null)))
      for (const watcher of watchers) if (watcher()) watchers.delete(watcher)
      // The render layer answers later; uni-app's nextTick waits for this callback.
      if (callback) setTimeout(callback, 0)
    },
    triggerEvent: () => undefined,
  }
  Object.assign(instance, definition.methods)
  const lifetimes = definition.lifetimes ?? {}
  const call = (hook: ((...args: unknown[]) => unknown) | undefined, ...args: unknown[]) => hook?.apply(instance, args)
  call(definition.created)
  call(lifetimes.created)
  call(lifetimes.attached)
  call(instance.onLoad, query)
  call(instance.onShow)
  call(lifetimes.ready)

  const tagWith = (marker: string) => {
    const tags = wxml.match(/<[a-z][\w-]*\b[^>]*>/g) ?? []
    const tag = tags.find((candidate) => candidate.includes(marker))
    if (!tag) throw new Error(`no element with ${marker} in ${route}.wxml`)
    return tag
  }
  const rendered = (tag: string, attribute: string): unknown => {
    const raw = new RegExp(`\\s${attribute}="([^"]*)"`).exec(tag)?.[1]
    if (raw === undefined) return undefined
    const bound = /^\{\{\s*(\w+)\s*\}\}$/.exec(raw)
    if (bound) return instance.data[bound[1] as string]
    if (raw.includes('{{')) throw new Error(`only plain {{key}} bindings are read: ${attribute}="${raw}"`)
    return raw
  }
  return {
    get data() {
      return instance.data
    },
    attribute: (marker, attribute) => rendered(tagWith(marker), attribute),
    tap(marker) {
      const tag = tagWith(marker)
      const handler = rendered(tag, 'bindtap') ?? rendered(tag, 'catchtap')
      if (typeof handler !== 'string' || typeof instance[handler] !== 'function') throw new Error(`${marker} has no tap handler`)
      const dataset = {}
      instance[handler]({
        type: 'tap',
        timeStamp: 1,
        detail: { x: 0, y: 0 },
        target: { id: '', dataset },
        currentTarget: { id: '', dataset },
        touches: [],
        changedTouches: [],
      })
    },
    lifecycle: (name, ...args) => call(instance[name], ...args),
    until: (condition) =>
      new Promise<void>((resolve) => {
        const check = () => (condition() ? (resolve(), true) : false)
        if (!check()) watchers.add(check)
      }),
  }
}

function defaultsOf(properties: Record<string, any>): Record<string, unknown> {
  const typeDefault = (type: unknown) =>
    type === String ? '' : type === Number ? 0 : type === Boolean ? false : type === Array ? [] : null
  return Object.fromEntries(
    Object.entries(properties).map(([name, spec]) => [
      name,
      spec !== null && typeof spec === 'object' ? ('value' in spec ? spec.value : typeDefault(spec.type)) : typeDefault(spec),
    ]),
  )
}

// setData keys are paths: 'list[0].name', 'a.b'.
function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.')
  const last = keys.pop() as string
  let node = target
  for (const key of keys) node = node[key] ??= {}
  node[last] = value
}
