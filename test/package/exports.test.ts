// package.json's public surface against the source: every exported subpath has a build entry and a source entry,
// the declaration paths follow one pattern, the new entries re-export the root's own functions, and tests import
// `painless-token/*` from src through the vitest alias. No build needed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import * as root from 'painless-token'
import * as fetchEntry from 'painless-token/fetch'
import * as lifecycle from 'painless-token/lifecycle'
import * as machine from 'painless-token/machine'
import * as redis from 'painless-token/redis'
import * as signing from 'painless-token/signing'
import { describe, expect, it } from 'vitest'
import tsdownConfig from '../../tsdown.config.ts'
import { withTokens } from '../../src/adapters/fetch.ts'

interface Conditions {
  import: { types: string; default: string }
  require: { types: string; default: string }
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, Conditions | string>
  typesVersions: Record<string, Record<string, string[]>>
  main: string
  module: string
  types: string
  miniprogram: string
  files: string[]
  sideEffects: boolean
  dependencies: Record<string, string>
  peerDependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependenciesMeta: Record<string, { optional: boolean }>
}
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json')
const nameOf = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2))
const buildEntries = (tsdownConfig as { entry: Record<string, string> }).entry

describe('package.json exports', () => {
  it.each(subpaths)('maps %s to ESM and CJS files with their own declarations, types first', (subpath) => {
    const name = nameOf(subpath)
    const conditions = pkg.exports[subpath] as Conditions
    expect(conditions).toEqual({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    })
    // Node and TypeScript take the first matching condition: "types" must come before "default".
    expect(Object.keys(conditions.import)).toEqual(['types', 'default'])
    expect(Object.keys(conditions.require)).toEqual(['types', 'default'])
  })

  it.each(subpaths)('builds %s from a source entry that exists', (subpath) => {
    const source = buildEntries[nameOf(subpath)]
    expect(source).toBe(subpath === '.' ? 'src/index.ts' : `src/entries/${nameOf(subpath)}.ts`)
    expect(existsSync(source!)).toBe(true)
  })

  it('exports every file in src/entries, and builds nothing it does not export', () => {
    const sourceEntries = readdirSync('src/entries').map((f) => `./${f.replace(/\.ts$/, '')}`)
    expect(subpaths.slice().sort()).toEqual(['.', ...sourceEntries].sort())
    expect(Object.keys(buildEntries).sort()).toEqual(subpaths.map(nameOf).sort())
  })

  it('gives TypeScript node10 resolution (no "exports") a declaration for every subpath', () => {
    const mapped = pkg.typesVersions['*']!
    for (const subpath of subpaths.filter((s) => s !== '.')) expect(mapped[nameOf(subpath)]).toEqual([`./dist/${nameOf(subpath)}.d.cts`])
    expect([pkg.main, pkg.module, pkg.types]).toEqual(['./dist/index.cjs', './dist/index.js', './dist/index.d.cts'])
  })

  it('ships only dist, the miniprogram folder, the READMEs, the compatibility table and LICENSE, declares no side effects, and keeps the adapters’ libraries optional', () => {
    expect(pkg.files).toEqual(['dist', 'miniprogram_dist', 'README.md', 'README.zh-CN.md', 'COMPATIBILITY.md', 'LICENSE'])
    expect(pkg.miniprogram).toBe('miniprogram_dist')
    expect(existsSync('LICENSE')).toBe(true)
    expect(pkg.sideEffects).toBe(false)
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['crypto-js'])
    // xstate is a required peer: WeChat's Build npm parses every package in `dependencies` (xstate's `?.` stops it)
    // and leaves peers alone; npm >= 7 and pnpm install it all the same. Tests pin the version they run.
    // The Redis clients (painless-token/redis recognises either by shape) are optional peers too.
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['axios', 'ioredis', 'luch-request', 'redis', 'xstate'])
    expect(pkg.peerDependencies.xstate).toBe('^5.33.3')
    expect(pkg.devDependencies.xstate).toBe('5.33.3')
    expect(pkg.peerDependenciesMeta).toEqual({
      axios: { optional: true },
      'luch-request': { optional: true },
      ioredis: { optional: true },
      redis: { optional: true },
    })
  })
})

describe('the signing, machine, lifecycle and redis entries', () => {
  it('painless-token/lifecycle exports watchLifecycle alone, which the root does not carry', () => {
    expect(Object.keys(lifecycle)).toEqual(['watchLifecycle'])
    expect('watchLifecycle' in root).toBe(false)
  })

  it('painless-token/redis exports redisCoordinator and the two coordination errors, which the root does not carry', () => {
    expect(Object.keys(redis).sort()).toEqual(['CoordinatorUnavailableError', 'FetchQuotaExceededError', 'redisCoordinator'])
    expect('redisCoordinator' in root).toBe(false)
  })

  it('painless-token/signing exports the root’s own signing functions, and nothing else', () => {
    expect(Object.keys(signing).sort()).toEqual(['canonicalRequest', 'createSigner', 'md5Hex', 'md5Upper'])
    for (const [name, value] of Object.entries(signing)) expect(value, name).toBe(root[name as keyof typeof root])
  })

  it('painless-token/machine exports the root’s own machine and freshness rule', () => {
    expect(Object.keys(machine).sort()).toEqual(['isFresh', 'tokenMachine'])
    expect(machine.tokenMachine).toBe(root.tokenMachine)
    expect(machine.isFresh).toBe(root.isFresh)
  })

  it('resolves painless-token/* to the source in tests (vitest alias), not to a stale build', () => {
    expect(fetchEntry.withTokens).toBe(withTokens)
  })

  it('reaches crypto-js from src only through src/signer.ts', () => {
    const importers = sourceFiles().filter((file) => /from 'crypto-js/.test(readFileSync(file, 'utf8')))
    expect(importers).toEqual(['src/signer.ts'])
  })
})

function sourceFiles(dir = 'src'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : [],
  )
}
