// The built files, as the package ships them: ES2017 syntax only (old phones' mini-program engines), every entry in
// both formats, and the import graph that keeps crypto-js behind the signing code. Builds once into a temp dir
// (JavaScript only, ~1 s), so `npm test` needs no prior `npm run build`.
import { Parser, type Program } from 'acorn'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'tsdown'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> }
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'index' : key.slice(2)))

let outDir = ''
let files: string[] = []

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'painless-token-build-'))
  await build({ config: true, outDir, dts: false, sourcemap: false, logLevel: 'silent' })
  files = readdirSync(outDir).filter((f) => /\.[cm]?js$/.test(f))
}, 60_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

function parse2017(code: string, sourceType: 'module' | 'script'): Program {
  return Parser.parse(code, { ecmaVersion: 2017, sourceType })
}

function sourceTypeOf(file: string): 'module' | 'script' {
  return file.endsWith('.cjs') ? 'script' : 'module'
}

describe('the ES2017 check', () => {
  // The parser must refuse what old engines refuse, or a green run proves nothing.
  it.each([
    ['optional chaining (ES2020)', 'a?.b'],
    ['nullish coalescing (ES2020)', 'a ?? b'],
    ['object spread (ES2018)', 'x = { ...a }'],
    ['object rest (ES2018)', 'const { a, ...rest } = x'],
    ['class fields (ES2022)', 'class A { x = 1 }'],
    ['optional catch binding (ES2019)', 'try {} catch {}'],
    ['async iteration (ES2018)', 'async function f() { for await (const x of y) {} }'],
    ['named capture groups (ES2018)', 'const r = /(?<year>\\d+)/'],
    ['the dotAll flag (ES2018)', 'const r = /a.b/s'],
    ['BigInt literals (ES2020)', 'x = 10n'],
  ])('rejects %s', (_name, code) => {
    expect(() => parse2017(code, 'module')).toThrow(SyntaxError)
  })

  it('accepts async functions, the newest syntax ES2017 allows', () => {
    expect(() => parse2017('async function f() { await g(); x **= 2 }', 'module')).not.toThrow()
  })
})

describe('the build', () => {
  it('emits every exported entry as ESM (.js) and CJS (.cjs)', () => {
    for (const entry of entries) {
      expect(files).toContain(`${entry}.js`)
      expect(files).toContain(`${entry}.cjs`)
    }
  })

  it('emits only ES2017 syntax in every .js and .cjs file', () => {
    const failures: string[] = []
    for (const file of files) {
      try {
        parse2017(readFileSync(path.join(outDir, file), 'utf8'), sourceTypeOf(file))
      } catch (error) {
        failures.push(`${file}: ${(error as Error).message}`)
      }
    }
    expect(failures).toEqual([])
    expect(files.length).toBeGreaterThan(entries.length * 2 - 1)
  })

  // An object spread or rest lowered to ES2017 pulls in helpers (objectSpread2, defineProperty, toPropertyKey,
  // toPrimitive, typeof, objectWithoutProperties): 0.4 kB min+gzip in every bundle. src/ uses Object.assign instead.
  it('ships no down-levelling helpers (src/ writes Object.assign, not object spread or rest)', () => {
    const helpers = files.flatMap((file) =>
      [...readFileSync(path.join(outDir, file), 'utf8').matchAll(/@oxc-project\+runtime@[^/]+\/helpers\/(\w+)/g)].map(
        (m) => `${file}: ${m[1]}`,
      ),
    )
    expect(helpers).toEqual([])
  })

  it('keeps crypto-js behind the signing code: only the signing entry and the root (which re-exports it) reach it', () => {
    const reach = (entry: string) => externalsReachedFrom(`${entry}.js`)
    for (const entry of entries) {
      const crypto = [...reach(entry)].filter((id) => id.startsWith('crypto-js'))
      if (entry === 'index' || entry === 'signing') expect(crypto.length, entry).toBeGreaterThan(0)
      else expect(crypto, entry).toEqual([])
    }
  })

  it('keeps the adapters free of xstate, and the signing entry free of both xstate and adapters', () => {
    for (const entry of ['luch-request', 'uni', 'wx', 'taro', 'alipay', 'axios', 'fetch', 'signing', 'redis']) {
      expect(
        [...externalsReachedFrom(`${entry}.js`)].filter((id) => id === 'xstate'),
        entry,
      ).toEqual([])
    }
    expect(externalsReachedFrom('machine.js')).toEqual(new Set(['xstate']))
  })

  it('builds the lifecycle entry self-contained: it imports nothing, not even the controller (it only calls it)', () => {
    for (const file of ['lifecycle.js', 'lifecycle.cjs']) expect(importsOf(file), file).toEqual([])
  })

  it('keeps painless-token/redis off the root: no Redis script in the root, no Redis client imported anywhere', () => {
    expect(readFileSync(path.join(outDir, 'redis.js'), 'utf8')).toContain('cjson')
    const reach = (entry: string) => externalsReachedFrom(`${entry}.js`)
    for (const entry of entries)
      expect(
        [...reach(entry)].filter((id) => /^(ioredis|redis|@redis\/)/.test(id)),
        entry,
      ).toEqual([])
    const rootFiles = new Set<string>()
    externalsReachedFrom('index.js', rootFiles)
    for (const file of rootFiles) expect(readFileSync(path.join(outDir, file), 'utf8'), file).not.toContain('cjson')
    expect(externalsReachedFrom('redis.js')).toEqual(new Set())
  })

  it("imports crypto-js files with their extension, which Node's ESM resolver needs (crypto-js has no exports map)", () => {
    const cryptoImports = files.flatMap((file) => importsOf(file).filter((id) => id.startsWith('crypto-js')))
    expect(cryptoImports.length).toBeGreaterThan(0)
    for (const id of cryptoImports) expect(id).toMatch(/^crypto-js\/[\w-]+\.js$/)
  })
})

// Static imports of a built file: ESM import/export-from declarations, or CJS require('…') calls.
const importsCache = new Map<string, string[]>()
function importsOf(file: string): string[] {
  const cached = importsCache.get(file)
  if (cached) return cached
  const ids = readImports(file)
  importsCache.set(file, ids)
  return ids
}

function readImports(file: string): string[] {
  const code = readFileSync(path.join(outDir, file), 'utf8')
  if (file.endsWith('.cjs')) return [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!)
  const ast = parse2017(code, 'module')
  const ids: string[] = []
  for (const node of ast.body) {
    if (
      (node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') &&
      node.source
    ) {
      ids.push(String(node.source.value))
    }
  }
  return ids
}

function externalsReachedFrom(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(file)) return out
  seen.add(file)
  for (const id of importsOf(file)) {
    if (id.startsWith('./')) externalsReachedFrom(id.slice(2), seen, out)
    else out.add(id)
  }
  return out
}
