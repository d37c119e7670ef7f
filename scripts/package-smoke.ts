// Consumer smoke test (`npm run test:package`, after `npm run build`): packs the package, installs the tarball into a
// fresh project under the OS temp dir, and uses it as a stranger would: ESM import, CJS require, TypeScript under
// node16 and bundler resolution, and Vite builds that must tree-shake crypto-js and luch-request away.
// Reuses this repo's typescript and vite by absolute path (the consumer installs only the tarball and its deps).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { MINIPROGRAM_ENTRIES } from './miniprogram-entries.ts'

const root = process.cwd()
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const viteEntry = path.join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js')
const keep = process.env.KEEP_SMOKE === '1'

const results: { step: string; ms: number; ok: boolean; detail?: string }[] = []

async function step(name: string, run: () => unknown): Promise<void> {
  const started = Date.now()
  try {
    await run()
    results.push({ step: name, ms: Date.now() - started, ok: true })
    console.log(`ok    ${name} (${Date.now() - started} ms)`)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    results.push({ step: name, ms: Date.now() - started, ok: false, detail })
    console.log(`FAIL  ${name} (${Date.now() - started} ms)\n${indent(detail)}`)
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n')
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim())
  }
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
}

if (!existsSync(path.join(root, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(1)
}

const work = mkdtempSync(path.join(os.tmpdir(), 'painless-token-smoke-'))
const app = path.join(work, 'app')
mkdirSync(app)
console.log(`consumer project: ${app}`)

let tarball = ''
await step('npm pack', () => {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root)) as {
    filename: string
    files: { path: string }[]
  }[]
  tarball = path.join(work, packed[0]!.filename)
  const files = packed[0]!.files.map((f) => f.path)
  const stray = files.filter(
    (f) => !/^(dist\/|miniprogram_dist\/|README\.md$|README\.zh-CN\.md$|COMPATIBILITY\.md$|LICENSE$|package\.json$)/.test(f),
  )
  if (stray.length) throw new Error(`the tarball holds files users do not need: ${stray.join(', ')}`)
  for (const entry of ['index', 'wx', 'signing'])
    if (!files.includes(`miniprogram_dist/${entry}.js`)) throw new Error(`the tarball has no miniprogram_dist/${entry}.js`)
  if (!files.includes('LICENSE')) throw new Error('the tarball has no LICENSE')
})

await step('npm install <tarball> into a fresh project', () => {
  write(app, { 'package.json': JSON.stringify({ name: 'smoke-consumer', private: true, version: '0.0.0' }, null, 2) })
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], app)
  for (const peer of ['luch-request', 'axios', 'ioredis', 'redis']) {
    if (existsSync(path.join(app, 'node_modules', peer))) throw new Error(`optional peer ${peer} was installed`)
  }
  // xstate is a required peer (so that WeChat's Build npm never parses its dist): npm >= 7 installs it.
  if (!existsSync(path.join(app, 'node_modules', 'xstate', 'package.json'))) throw new Error('the peer xstate was not installed')
})

await step("WeChat's Build npm (miniprogram-ci packNpm) over the installed package", async () => {
  const project = path.join(work, 'wechat')
  mkdirSync(project)
  write(project, {
    'project.config.json': JSON.stringify({ compileType: 'miniprogram', miniprogramRoot: './', appid: 'wx0000000000000000' }),
    'app.json': JSON.stringify({ pages: ['pages/index/index'] }),
    'app.js': "const { createTokenController } = require('painless-token')\nconst { createWxRequest } = require('painless-token/wx')\n",
  })
  // The consumer's package.json and node_modules, as `npm install painless-token` left them.
  for (const name of ['package.json', 'node_modules']) execFileSync('cp', ['-R', path.join(app, name), project])
  const { generateKeyPairSync } = await import('node:crypto')
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  writeFileSync(path.join(work, 'wechat.key'), privateKey)
  // Only to construct the project: packNpm uploads nothing.
  const ci = (await import(pathToFileURL(path.join(root, 'node_modules', 'miniprogram-ci', 'dist', 'index.js')).href)).default
  const options = { appid: 'wx0000000000000000', type: 'miniProgram', projectPath: project, privateKeyPath: path.join(work, 'wechat.key') }
  const started = Date.now()
  await ci.packNpm(new ci.Project(options), { ignores: [], reporter: () => undefined })
  const shipped = path.join(project, 'miniprogram_npm', 'painless-token')
  for (const entry of Object.keys(MINIPROGRAM_ENTRIES))
    if (!existsSync(path.join(shipped, `${entry}.js`))) throw new Error(`miniprogram_npm/painless-token/${entry}.js is missing`)
  if (existsSync(path.join(project, 'miniprogram_npm', 'xstate'))) throw new Error('packNpm shipped xstate beside the folder')
  console.log(`      packNpm ${Date.now() - started} ms`)
})

// The same checks in both module systems: names exist, a token round trip works, crypto-js loads (signing).
const usage = `
  const tokens = pt.createTokenController({ fetchToken: async () => ({ accessToken: 'smoke-token', expiresIn: 3600 }) })
  const token = await tokens.getToken()
  if (token !== 'smoke-token' || tokens.state !== 'valid') throw new Error('getToken did not resolve with the token')
  tokens.stop()
  const rejected = await tokens.getToken().then(() => 'resolved', (e) => e.code)
  if (rejected !== 'STOPPED') throw new Error('a stopped controller did not reject with STOPPED: ' + rejected)
  if (!(new pt.TokenRefreshError(2, null) instanceof pt.TokenError)) throw new Error('error classes do not extend TokenError')
  const config = signing.createSigner({ secret: 's', now: () => 0, nonce: () => 'n' })({ url: '/a?b=1', method: 'get' })
  if (!/^[0-9a-f]{64}$/.test(config.header['X-Signature'])) throw new Error('createSigner did not sign')
  if (signing.md5Upper('abc') !== '900150983CD24FB0D6963F7D28E17F72') throw new Error('md5Upper is wrong')
  if (pt.createSigner !== signing.createSigner) throw new Error('the root and painless-token/signing hold different createSigner')
  if (typeof machine.tokenMachine.transition !== 'function' || machine.tokenMachine.id !== 'token') throw new Error('painless-token/machine has no tokenMachine')
  for (const [name, mod, fn] of [['luch-request', luch, 'attachTokenController'], ['uni', uni, 'createUniRequest'], ['uni', uni, 'installUniInterceptor'], ['wx', wx, 'createWxRequest'], ['taro', taro, 'createTaroInterceptor'], ['alipay', alipay, 'createAlipayRequest'], ['alipay', alipay, 'myStorage'], ['axios', axios, 'attachToAxios'], ['fetch', fetchEntry, 'withTokens'], ['lifecycle', lifecycle, 'watchLifecycle'], ['redis', redis, 'redisCoordinator'], ['web-locks', webLocks, 'webLocksCoordinator']]) {
    if (typeof mod[fn] !== 'function') throw new Error('painless-token/' + name + ' has no ' + fn)
  }
  // painless-token/redis imports no Redis client: it loads without one, and recognises clients by shape.
  let refusal = ''
  try { redis.redisCoordinator({}, { key: 'k' }) } catch (e) { refusal = e instanceof TypeError ? e.message : String(e) }
  if (!/client/.test(refusal)) throw new Error('redisCoordinator did not refuse a non-client: ' + refusal)
  // Browser-only: under Node (no Web Locks, no IndexedDB) it refuses at construction, naming what is missing.
  const refused = (() => { try { webLocks.webLocksCoordinator({ name: 'smoke' }); return 'built' } catch (e) { return e instanceof TypeError && /indexedDB/.test(e.message) ? 'TypeError' : String(e) } })()
  if (refused !== 'TypeError') throw new Error('webLocksCoordinator under Node: ' + refused)
  const api = fetchEntry.withTokens(async (url, init) => ({ status: 200, headers: { get: () => null }, clone() { return this }, auth: init.headers.get('Authorization') }), pt.createTokenController({ fetchToken: async () => ({ access_token: 't2', expires_in: 60 }) }))
  const response = await api('https://example.test/x')
  if (response.auth !== 'Bearer t2') throw new Error('withTokens did not send the token: ' + response.auth)
  console.log('checked')
`

await step('ESM: import every entry under Node', () => {
  write(app, {
    'esm.mjs': `
import * as pt from 'painless-token'
import * as signing from 'painless-token/signing'
import * as machine from 'painless-token/machine'
import * as luch from 'painless-token/luch-request'
import * as uni from 'painless-token/uni'
import * as wx from 'painless-token/wx'
import * as taro from 'painless-token/taro'
import * as alipay from 'painless-token/alipay'
import * as axios from 'painless-token/axios'
import * as fetchEntry from 'painless-token/fetch'
import * as lifecycle from 'painless-token/lifecycle'
import * as redis from 'painless-token/redis'
import * as webLocks from 'painless-token/web-locks'
import pkg from 'painless-token/package.json' with { type: 'json' }
if (pkg.name !== 'painless-token') throw new Error('painless-token/package.json is not exported')
${usage}
`,
  })
  const out = run(process.execPath, ['esm.mjs'], app)
  if (!out.includes('checked')) throw new Error(out)
})

await step('CJS: require every entry under Node', () => {
  write(app, {
    'cjs.cjs': `
const pt = require('painless-token')
const signing = require('painless-token/signing')
const machine = require('painless-token/machine')
const luch = require('painless-token/luch-request')
const uni = require('painless-token/uni')
const wx = require('painless-token/wx')
const taro = require('painless-token/taro')
const alipay = require('painless-token/alipay')
const axios = require('painless-token/axios')
const fetchEntry = require('painless-token/fetch')
const lifecycle = require('painless-token/lifecycle')
const redis = require('painless-token/redis')
const webLocks = require('painless-token/web-locks')
if (require('painless-token/package.json').name !== 'painless-token') throw new Error('painless-token/package.json is not exported')
if (!require.resolve('painless-token').endsWith('.cjs')) throw new Error('require resolved ' + require.resolve('painless-token'))
;(async () => {
${usage}
})().catch((e) => { console.error(e); process.exit(1) })
`,
  })
  const out = run(process.execPath, ['cjs.cjs'], app)
  if (!out.includes('checked')) throw new Error(out)
})

// Types that are real (not any): each @ts-expect-error fails the check if its line type-checks.
const typeUsage = `
const tokens: TokenController = createTokenController({
  fetchToken: async ({ attempt, reason, signal, refreshToken }) => {
    const why: RefreshReason = reason
    void why, attempt, signal, refreshToken
    return { accessToken: 'a', expiresIn: 60 }
  },
  storage: memoryStorage(),
  retry: { attempts: 3 },
})
const token: Promise<string> = tokens.getToken()
const state: TokenState = tokens.state
// @ts-expect-error fetchToken is required
createTokenController({})
// @ts-expect-error getToken resolves with a string
const wrong: Promise<number> = tokens.getToken()
const code: TokenErrorCode = 'REFRESH_FAILED'
// @ts-expect-error not an error code
const badCode: TokenErrorCode = 'NOPE'
const sign = createSigner({ secret: 's', algorithm: 'MD5' })
const signed = sign({ url: '/a', method: 'POST', data: { a: 1 } })
const signature: string = signed.header['X-Signature']!
const upper: string = md5Upper('x')
const fakeFetch = async (input: string): Promise<ResponseLike> => {
  const response: ResponseLike = { status: 200, headers: { get: () => null }, clone: () => response }
  return input ? response : response
}
const api = withTokens(fakeFetch, tokens)
const detach: () => void = attachToAxios({ interceptors: { request: { use: () => 0, eject: () => {} }, response: { use: () => 0, eject: () => {} } }, request: async (c: unknown) => c } as never, tokens)
const fresh: boolean = isFresh({ expiresAt: 2, leewayMs: 1 }, 0)
const machineId: string = tokenMachine.id
const unwatch: () => void = watchLifecycle(tokens, {} as LifecycleHost)
// @ts-expect-error the controller comes first
watchLifecycle({} as LifecycleHost, tokens)
const coordinator: TokenCoordinator = webLocksCoordinator({ name: 'app', onUnavailable: 'fail' })
// @ts-expect-error name is required
webLocksCoordinator({})
void coordinator, unwatch, token, state, wrong, code, badCode, signature, upper, api, detach, fresh, machineId, attachTokenController, createUniRequest, createWxRequest, createTaroInterceptor, createAlipayRequest, myStorage
`
const typeImports = (ext: string) => `
import { createTokenController, memoryStorage, type TokenController, type TokenErrorCode } from 'painless-token'
import { createSigner, md5Upper } from 'painless-token/signing'
import { tokenMachine, isFresh, type TokenState, type RefreshReason } from 'painless-token/machine'
import { attachTokenController } from 'painless-token/luch-request'
import { createUniRequest } from 'painless-token/uni'
import { createWxRequest } from 'painless-token/wx'
import { createTaroInterceptor } from 'painless-token/taro'
import { createAlipayRequest, myStorage } from 'painless-token/alipay'
import { attachToAxios } from 'painless-token/axios'
import { withTokens, type ResponseLike } from 'painless-token/fetch'
import { watchLifecycle, type LifecycleHost } from 'painless-token/lifecycle'
import { webLocksCoordinator, type TokenCoordinator } from 'painless-token/web-locks'
// ${ext}
`

function tsconfig(module: string, moduleResolution: string, include: string[], skipLibCheck = false): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2020',
        module,
        moduleResolution,
        // DOM because xstate's own declarations name AbortSignal (our src has no DOM types).
        lib: ['ES2020', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
        // Check our own .d.ts files (and xstate's) too, not only how they are used.
        skipLibCheck,
        skipDefaultLibCheck: true,
      },
      include,
    },
    null,
    2,
  )
}

await step('TypeScript: moduleResolution node16 (an ESM .mts and a CJS .cts consumer)', () => {
  write(app, {
    'types/esm.mts': typeImports('node16, ESM: resolves the "import" condition, .d.ts') + typeUsage,
    'types/cjs.cts': typeImports('node16, CJS: resolves the "require" condition, .d.cts') + typeUsage,
    'tsconfig.node16.json': tsconfig('Node16', 'Node16', ['types/esm.mts', 'types/cjs.cts']),
  })
  run(process.execPath, [tsc, '-p', 'tsconfig.node16.json'], app)
})

await step('TypeScript: moduleResolution bundler', () => {
  write(app, {
    'types/bundler.ts': typeImports('bundler') + typeUsage,
    'tsconfig.bundler.json': tsconfig('ESNext', 'Bundler', ['types/bundler.ts']),
  })
  run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], app)
})

await step('TypeScript: the type checks can fail (a wrong type is reported)', () => {
  write(app, {
    'types/negative.ts': `import { createTokenController } from 'painless-token'\nconst n: number = createTokenController({ fetchToken: async () => ({ accessToken: 'a' }) }).getToken()\nvoid n\n`,
    'tsconfig.negative.json': tsconfig('ESNext', 'Bundler', ['types/negative.ts'], true),
  })
  let failed = false
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.negative.json'], app)
  } catch {
    failed = true
  }
  if (!failed) throw new Error('tsc accepted a Promise<string> as a number: the package types are any')
})

interface Page {
  name: string
  source: string
  // Module ids (paths) that must not / must be in the page's bundle.
  absent: RegExp[]
  present: RegExp[]
}
const cryptoJs = /node_modules\/crypto-js\//
const luchAdapter = /painless-token\/dist\/luch-request/
const signerChunk = /painless-token\/dist\/signer/
const pages: Page[] = [
  {
    name: 'a page importing only painless-token/fetch',
    source: `import { withTokens } from 'painless-token/fetch'\nwindow.api = withTokens(fetch, window.tokens)\n`,
    absent: [cryptoJs, luchAdapter, signerChunk, /node_modules\/luch-request\//, /node_modules\/xstate\//],
    present: [/painless-token\/dist\/fetch\.js/],
  },
  {
    name: 'a page importing only createTokenController from painless-token',
    source: `import { createTokenController } from 'painless-token'\nwindow.tokens = createTokenController({ fetchToken: () => fetch('/token').then((r) => r.json()) })\n`,
    absent: [cryptoJs, luchAdapter, signerChunk],
    present: [/node_modules\/xstate\//],
  },
  {
    // The control: the same check sees crypto-js when a page does sign.
    name: 'a page importing createSigner from painless-token/signing (control: crypto-js present)',
    source: `import { createSigner } from 'painless-token/signing'\nwindow.sign = createSigner({ secret: 's' })\n`,
    absent: [/node_modules\/xstate\//],
    present: [cryptoJs, signerChunk],
  },
]

interface ViteOutputChunk {
  type: 'chunk' | 'asset'
  code?: string
  modules?: Record<string, { renderedLength: number }>
}
const vite = (await import(pathToFileURL(viteEntry).href)) as {
  build: (config: Record<string, unknown>) => Promise<{ output: ViteOutputChunk[] } | { output: ViteOutputChunk[] }[]>
}

for (const page of pages) {
  await step(`Vite build: ${page.name}`, async () => {
    const file = `page-${pages.indexOf(page)}.js`
    write(app, { [file]: page.source })
    const built = await vite.build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { write: false, minify: true, lib: false, rollupOptions: { input: path.join(app, file) } },
    })
    const outputs = (Array.isArray(built) ? built : [built]).flatMap((b) => b.output).filter((o) => o.type === 'chunk')
    // A module whose code was all shaken away still appears with renderedLength 0: count only what was kept.
    const kept = outputs.flatMap((o) =>
      Object.entries(o.modules ?? {})
        .filter(([, m]) => m.renderedLength > 0)
        .map(([id]) => id),
    )
    const code = outputs.map((o) => o.code ?? '').join('\n')
    const problems: string[] = []
    for (const pattern of page.absent) {
      const hits = kept.filter((id) => pattern.test(id))
      if (hits.length) problems.push(`must not bundle ${pattern}: ${hits.map((h) => path.relative(app, h)).join(', ')}`)
    }
    for (const pattern of page.present) if (!kept.some((id) => pattern.test(id))) problems.push(`expected ${pattern} in the bundle`)
    // A second look that does not trust module ids: crypto-js's own names in the minified output.
    const hasCryptoText = /HmacSHA256|CryptoJS/.test(code)
    if (page.absent.includes(cryptoJs) && hasCryptoText) problems.push('the minified output mentions HmacSHA256/CryptoJS')
    if (page.present.includes(cryptoJs) && !hasCryptoText) problems.push('the control page output does not mention HmacSHA256/CryptoJS')
    if (problems.length)
      throw new Error(`${problems.join('\n')}\nkept modules:\n${kept.map((id) => `  ${path.relative(app, id)}`).join('\n')}`)
    console.log(`      ${(code.length / 1024).toFixed(1)} KB minified, ${kept.length} modules kept`)
  })
}

const failed = results.filter((r) => !r.ok)
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`)
if (keep || failed.length) console.log(`consumer project kept at ${app}`)
else rmSync(work, { recursive: true, force: true })
process.exit(failed.length ? 1 : 0)
