// The uni_modules package (`npm run build:uni-modules`) as HBuilderX and the DCloud plugin market read it: the
// folder layout, package.json's plugin fields, one self-contained ES2017 file in js_sdk/, declarations that need no
// other package, and the exports a uni-app takes from `@/uni_modules/painless-token`. Builds once into a temp dir
// (~4 s); test/e2e/uni-app-*.e2e.test.ts builds the example against it for H5 and mp-weixin.
import { Parser } from 'acorn'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import * as root from 'painless-token'
import * as lifecycle from 'painless-token/lifecycle'
import * as uni from 'painless-token/uni'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ours = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string }

interface PluginManifest {
  id: string
  displayName: string
  version: string
  description: string
  keywords: string[]
  main: string
  types: string
  sideEffects: boolean
  engines: Record<string, string>
  dcloudext: { type: string; npmurl: string; declaration: { ads: string; data: string; permissions: string } }
  uni_modules: {
    dependencies: string[]
    platforms: { cloud: Record<string, string>; client: Record<string, Record<string, Record<string, string>>> }
  }
}

let tmp = ''
let out = ''
let manifest: PluginManifest
const read = (file: string) => readFileSync(path.join(out, file), 'utf8')

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'painless-token-uni-modules-'))
  out = path.join(tmp, 'uni_modules', 'painless-token')
  await run(process.execPath, ['scripts/build-uni-modules.mjs', out])
  manifest = JSON.parse(read('package.json')) as PluginManifest
}, 60_000)

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full).map((file) => `${name}/${file}`) : [name]
  })
}

describe('the uni_modules folder', () => {
  it('holds the plugin-market layout and nothing else: no node_modules, the built code in js_sdk/', () => {
    expect(filesUnder(out).sort()).toEqual(
      [
        'changelog.md',
        'index.d.ts',
        'index.js',
        'js_sdk/painless-token.js',
        'js_sdk/rolldown-runtime.js',
        'js_sdk/shared.js',
        'js_sdk/signing.js',
        'license.md',
        'package.json',
        'readme.md',
      ].sort(),
    )
  })

  it('refuses to wipe a folder that is not named painless-token', async () => {
    await expect(run(process.execPath, ['scripts/build-uni-modules.mjs', tmp])).rejects.toThrow(/must be named painless-token/)
    expect(filesUnder(out)).toContain('package.json')
  })

  it('names the version in the readme and the changelog, and carries the licences of the bundled code', () => {
    expect(read('readme.md')).toContain(`painless-token ${ours.version}`)
    expect(read('readme.md')).not.toContain('{{')
    expect(read('changelog.md')).toMatch(new RegExp(`^## ${ours.version.replaceAll('.', '\\.')}\\n`))
    const license = read('license.md')
    for (const name of ['painless-token contributors', 'xstate (bundled in js_sdk/)', 'crypto-js (bundled in js_sdk/)']) {
      expect(license).toContain(name)
    }
  })
})

describe("package.json's plugin fields (DCloud's uni_modules schema)", () => {
  it('identifies the plugin, with our version and licence', () => {
    expect(manifest).toMatchObject({
      id: 'painless-token',
      version: ours.version,
      license: ours.license,
      main: 'index.js',
      types: 'index.d.ts',
    })
    expect(manifest.displayName).toContain('painless-token')
    expect(manifest.description.length).toBeGreaterThan(20)
    // The market takes at most five keywords.
    expect(manifest.keywords.length).toBeGreaterThan(0)
    expect(manifest.keywords.length).toBeLessThanOrEqual(5)
  })

  it('declares a JS SDK with its npm package, the engines, and the three privacy declarations filled in', () => {
    expect(manifest.engines).toEqual({ HBuilderX: expect.stringMatching(/^\^\d/), 'uni-app': expect.stringMatching(/^\^\d/) })
    expect(manifest.dcloudext.type).toBe('sdk-js')
    expect(manifest.dcloudext.npmurl).toBe('https://www.npmjs.com/package/painless-token')
    for (const field of ['ads', 'data', 'permissions'] as const) expect(manifest.dcloudext.declaration[field].length).toBeGreaterThan(0)
    expect(manifest.uni_modules.dependencies).toEqual([])
  })

  it('marks as supported only what the e2e suites run (H5 in Chromium, mp-weixin, Vue 3), every other platform unknown', () => {
    const marks: Record<string, string> = {}
    const walk = (node: Record<string, unknown>, at: string) => {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string') marks[`${at}${key}`] = value
        else walk(value as Record<string, unknown>, `${at}${key}.`)
      }
    }
    walk(manifest.uni_modules.platforms, '')
    const supported = Object.keys(marks).filter((key) => marks[key] === '√')
    expect(supported.sort()).toEqual(['client.uni-app.mp.weixin', 'client.uni-app.vue.vue3', 'client.uni-app.web.chrome'])
    // DCloud's values since HBuilderX 4.71: √ yes, x no, - unknown.
    expect(new Set(Object.values(marks))).toEqual(new Set(['√', '-']))
    expect(Object.keys(marks)).toEqual(expect.arrayContaining(['client.uni-app.app.android', 'client.uni-app.mp.alipay', 'cloud.aliyun']))
  })
})

describe('js_sdk/', () => {
  const sdk = () => filesUnder(path.join(out, 'js_sdk'))
  const importsOf = (file: string) =>
    Parser.parse(read(`js_sdk/${file}`), { ecmaVersion: 2017, sourceType: 'module' }).body.flatMap((node) =>
      (node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source
        ? [String(node.source.value)]
        : [],
    )

  it('is ES2017 and imports only its own files: xstate and crypto-js are inside, luch-request is left to the app', () => {
    for (const file of sdk()) {
      for (const id of importsOf(file)) expect(sdk(), `${file} imports ${id}`).toContain(id.replace(/^\.\//, ''))
      expect(read(`js_sdk/${file}`), file).not.toMatch(/\brequire\(\s*["'`]|luch-request/)
    }
  })

  it('keeps crypto-js in signing.js, which nothing but the entry imports, and declares no side effects', () => {
    // So a bundler drops signing.js (≈4 kB min+gzip) from an app that never signs, as it does with the npm package.
    expect(read('js_sdk/signing.js')).toContain('Malformed UTF-8 data')
    for (const file of sdk().filter((name) => name !== 'signing.js'))
      expect(read(`js_sdk/${file}`), file).not.toContain('Malformed UTF-8 data')
    expect(sdk().filter((file) => importsOf(file).includes('./signing.js'))).toEqual(['painless-token.js'])
    expect(manifest.sideEffects).toBe(false)
  })

  it('names the version in a legal comment, which minifiers keep, after the imports (which bundlers rewrite)', () => {
    const code = read('js_sdk/painless-token.js')
    const legal = code.indexOf(`\n/*! painless-token ${ours.version} (uni_modules build)`)
    expect(legal).toBeGreaterThan(0)
    expect(code.slice(0, legal)).toMatch(/^(import\{[^}]*\}from"\.\/[\w-]+\.js";)+$/)
  })
})

describe("index.js: what `import … from '@/uni_modules/painless-token'` gives", () => {
  it('exports the root API, the uni entry and the lifecycle entry, and nothing else', async () => {
    const built = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as Record<string, unknown>
    expect(Object.keys(built).sort()).toEqual([...new Set([...Object.keys(root), ...Object.keys(uni), ...Object.keys(lifecycle)])].sort())
    for (const name of [
      'createTokenController',
      'attachTokenController',
      'createUniRequest',
      'installUniInterceptor',
      'createSigner',
      'uniStorage',
      'watchLifecycle',
    ]) {
      expect(typeof built[name], name).toBe('function')
    }
  })

  it('runs: a controller from the bundle fetches one token for concurrent callers, and signs with the bundled crypto-js', async () => {
    const built = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as typeof root
    let fetches = 0
    const tokens = built.createTokenController({
      fetchToken: async () => {
        fetches++
        return { access_token: 'bundled-token-value', expires_in: 3600 }
      },
    })
    try {
      expect(await Promise.all([tokens.getToken(), tokens.getToken()])).toEqual(['bundled-token-value', 'bundled-token-value'])
      expect(fetches).toBe(1)
    } finally {
      tokens.stop()
    }
    expect(built.md5Hex('abc')).toBe(root.md5Hex('abc'))
  })
})

describe('index.d.ts', () => {
  it('type-checks a uni-app module strictly, with no other package installed (skipLibCheck off)', async () => {
    // Statements only: the JSDoc examples may show imports.
    expect(read('index.d.ts')).not.toMatch(/^\s*(import|export)\b[^\n]*\bfrom\s*["']/m)
    const consumer = `import { createTokenController, createUniRequest, attachTokenController, isTokenError, type TokenController } from '@/uni_modules/painless-token'
const tokens: TokenController = createTokenController({ fetchToken: async () => ({ access_token: 'a', expires_in: 60 }) })
const request = createUniRequest(tokens)
export const pending: Promise<unknown> = request({ url: 'https://api.example.com/' })
export const attach: typeof attachTokenController = attachTokenController
export const coded = (error: unknown): string | undefined => (isTokenError(error) ? error.code : undefined)
// @ts-expect-error: the declarations are real, not any
createTokenController({ fetchToken: 42 })
`
    writeFileSync(path.join(tmp, 'consumer.ts'), consumer)
    writeFileSync(
      path.join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'ES2017',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          // xstate's declarations name AbortSignal (README: include DOM or @types/node); uni-app projects have DOM.
          lib: ['ES2020', 'DOM'],
          types: [],
          baseUrl: '.',
          paths: { '@/*': ['./*'] },
        },
        files: ['consumer.ts'],
      }),
    )
    const tsc = path.resolve('node_modules/typescript/bin/tsc')
    await expect(run(process.execPath, [tsc, '-p', tmp]).then(() => 'clean')).resolves.toBe('clean')
  }, 60_000)
})
