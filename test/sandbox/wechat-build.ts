// WeChat's own "Build npm", run here: miniprogram-ci's packNpm (the builder WeChat takes from its DevTools) over a
// native mini-program project whose node_modules holds painless-token as npm installs it. What it writes into
// miniprogram_npm/ is what WeChat ships, so the sandbox loads exactly those files.
import { generateKeyPairSync } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'tsdown'

const root = process.cwd()
const ours = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, any>

let built: Promise<string> | undefined

/**
 * Builds the miniprogram folder once per test process into a temp dir with the real config
 * (tsdown.miniprogram.config.ts, ~1 s), so `npm test` needs no prior `npm run build`.
 */
export function miniprogramFolder(): Promise<string> {
  built ??= (async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'painless-token-mp-'))
    process.once('exit', () => rmSync(base, { recursive: true, force: true }))
    const outDir = path.join(base, ours.miniprogram as string)
    await build({ config: path.join(root, 'tsdown.miniprogram.config.ts'), outDir, logLevel: 'silent' })
    return outDir
  })()
  return built
}

export interface WeChatBuild {
  /** The project folder (removed by `remove()`). */
  dir: string
  /** Every .js file of the project after the build, by path relative to it, for the sandbox's `files`. */
  files: Record<string, string>
  /** packNpm's own warnings. */
  warnings: unknown[]
  /** packNpm's wall time, ms. */
  packMs: number
  remove(): void
}

export interface WeChatProjectOptions {
  /** A native project to copy in (app.js, app.json, pages, project.config.json, package.json). */
  from?: string
  /** Rewrites the installed painless-token's package.json (the negative control puts xstate back as a dependency). */
  editPackage?: (pkg: Record<string, any>) => void
}

/**
 * Lays out a native project as `npm install painless-token` leaves it (the package's `files` from this checkout,
 * with the miniprogram folder freshly built; crypto-js as our dependency; xstate as the peer npm ≥ 7 installs at the
 * top level), then runs packNpm. Rejects with packNpm's error when the builder refuses the project.
 */
export async function buildWithWeChat(options: WeChatProjectOptions = {}): Promise<WeChatBuild> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'painless-token-wechat-'))
  const dir = path.join(work, 'project')
  const remove = () => rmSync(work, { recursive: true, force: true })
  try {
    if (options.from) cpSync(options.from, dir, { recursive: true, filter: (from) => !/[\\/](node_modules|miniprogram_npm)$/.test(from) })
    else writeMinimalProject(dir)
    await install(dir, options.editPackage)

    // The builder needs an appid and a private key only to construct the project: nothing is uploaded.
    const keyPath = path.join(work, 'private.key')
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    })
    writeFileSync(keyPath, privateKey)
    const ci = (await import('miniprogram-ci')) as any
    const project = new ci.Project({ appid: 'wx0000000000000000', type: 'miniProgram', projectPath: dir, privateKeyPath: keyPath })
    const started = performance.now()
    const warnings = (await ci.packNpm(project, { ignores: [], reporter: () => undefined })) as unknown[]
    const packMs = performance.now() - started
    return { dir, files: jsFiles(dir), warnings, packMs, remove }
  } catch (error) {
    remove()
    throw error
  }
}

function writeMinimalProject(dir: string): void {
  mkdirSync(dir, { recursive: true })
  const json = (value: unknown) => JSON.stringify(value, null, 2)
  writeFileSync(
    path.join(dir, 'project.config.json'),
    json({
      compileType: 'miniprogram',
      miniprogramRoot: './',
      appid: 'wx0000000000000000',
      projectname: 'build-npm',
      setting: { es6: true },
    }),
  )
  writeFileSync(
    path.join(dir, 'package.json'),
    json({ name: 'build-npm', private: true, dependencies: { 'painless-token': ours.version } }),
  )
  writeFileSync(path.join(dir, 'app.json'), json({ pages: ['pages/index/index'] }))
  writeFileSync(path.join(dir, 'app.js'), 'App({})\n')
}

async function install(dir: string, editPackage: WeChatProjectOptions['editPackage']): Promise<void> {
  const modules = path.join(dir, 'node_modules')
  const target = path.join(modules, 'painless-token')
  mkdirSync(target, { recursive: true })
  // The package's `files` (plus package.json). dist/ comes from `npm run build`, which `npm test` does not run:
  // WeChat's builder never reads it when the miniprogram folder exists, so a stand-in keeps `main` resolvable.
  for (const entry of ours.files as string[]) {
    const from = path.join(root, entry)
    if (entry === ours.miniprogram) cpSync(await miniprogramFolder(), path.join(target, entry), { recursive: true })
    else if (exists(from)) cpSync(from, path.join(target, entry), { recursive: true })
  }
  mkdirSync(path.join(target, 'dist'), { recursive: true })
  if (!exists(path.join(target, ours.main))) writeFileSync(path.join(target, ours.main), '"use strict"\n')
  const pkg = structuredClone(ours)
  editPackage?.(pkg)
  writeFileSync(path.join(target, 'package.json'), JSON.stringify(pkg, null, 2))
  // Our dependency and our peer, where npm puts them.
  for (const name of ['crypto-js', 'xstate'])
    cpSync(path.join(root, 'node_modules', name), path.join(modules, name), { recursive: true, dereference: true })
}

function exists(file: string): boolean {
  try {
    statSync(file)
    return true
  } catch {
    return false
  }
}

function jsFiles(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') Object.assign(files, jsFiles(dir, relative))
    } else if (entry.name.endsWith('.js')) files[relative] = readFileSync(path.join(dir, relative), 'utf8')
  }
  return files
}
