// Builds examples/uni-app with its own uni CLI (`uni build`, `uni build -p mp-weixin`), as a developer would, and
// says how to install it when examples/uni-app/node_modules is missing. Returns the output folder and the time taken.
// Two variants of the same pages (examples/uni-app/vite.config.ts): `npm` takes painless-token from the repository's
// source, `uni-modules` from `npm run build:uni-modules`'s folder, placed where an HBuilderX project keeps it.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

export const UNI_APP_DIR = 'examples/uni-app'
const UNI_CLI = join(UNI_APP_DIR, 'node_modules/.bin/uni')

export type UniPlatform = 'h5' | 'mp-weixin'
export type UniVariant = 'npm' | 'uni-modules'
export const UNI_VARIANTS: readonly UniVariant[] = ['npm', 'uni-modules']

/** What the legal comment atop the uni_modules js_sdk says (scripts/build-uni-modules.mjs): minifiers keep it. */
export const UNI_MODULES_BANNER = `painless-token ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version} (uni_modules build)`

/** Where the uni-modules variant finds the plugin-market folder: src/uni_modules/, as in any uni-app project. */
export const UNI_MODULES_COPY = join(UNI_APP_DIR, 'src/uni_modules/painless-token')

export interface UniBuild {
  /** e.g. examples/uni-app/dist/build/h5, or examples/uni-app/dist/uni-modules/h5 */
  dir: string
  /** The uni build alone (for uni-modules, `npm run build:uni-modules` not included: see `prepareMs`). */
  ms: number
  /** `npm run build:uni-modules` into the example, for the uni-modules variant; 0 for npm. */
  prepareMs: number
}

export interface UniBuildOptions {
  variant?: UniVariant
  env?: Record<string, string>
}

export async function buildUniApp(platform: UniPlatform, { variant = 'npm', env = {} }: UniBuildOptions = {}): Promise<UniBuild> {
  if (!existsSync(UNI_CLI)) {
    throw new Error(`${UNI_CLI} is missing: install the example first with \`npm ci --prefix ${UNI_APP_DIR}\``)
  }
  let prepareMs = 0
  const variantEnv: Record<string, string> = { UNI_EXAMPLE_VARIANT: variant }
  let dir = join(UNI_APP_DIR, 'dist/build', platform)
  if (variant === 'uni-modules') {
    // Built straight into the example on every run, so the e2e suite always tests the current source.
    const started = Date.now()
    await run(process.execPath, ['scripts/build-uni-modules.mjs', UNI_MODULES_COPY], {})
    prepareMs = Date.now() - started
    // Its own output folder: the npm variant's build stays where the README says it is.
    dir = join(UNI_APP_DIR, 'dist/uni-modules', platform)
    variantEnv.UNI_OUTPUT_DIR = resolve(dir)
  }
  const args = platform === 'h5' ? ['build'] : ['build', '-p', platform]
  const started = Date.now()
  // The uni CLI resolves the project from the working directory; NODE_ENV is its own business.
  const { NODE_ENV: _, ...inherited } = process.env
  await run(join(process.cwd(), UNI_CLI), args, { cwd: UNI_APP_DIR, env: { ...inherited, ...env, ...variantEnv } })
  return { dir, ms: Date.now() - started, prepareMs }
}

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`))
      resolve()
    })
  })
}

/** Every file under `dir`, by its path relative to `dir` with forward slashes, as text. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8')
    }
  }
  walk(dir)
  return files
}
