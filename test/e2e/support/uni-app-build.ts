// Builds examples/uni-app with its own uni CLI (`uni build`, `uni build -p mp-weixin`), as a developer would, and
// says how to install it when examples/uni-app/node_modules is missing. Returns the output folder and the time taken.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export const UNI_APP_DIR = 'examples/uni-app'
const UNI_CLI = join(UNI_APP_DIR, 'node_modules/.bin/uni')

export type UniPlatform = 'h5' | 'mp-weixin'

export interface UniBuild {
  /** e.g. examples/uni-app/dist/build/h5 */
  dir: string
  ms: number
}

export function buildUniApp(platform: UniPlatform, env: Record<string, string> = {}): Promise<UniBuild> {
  if (!existsSync(UNI_CLI)) {
    return Promise.reject(new Error(`${UNI_CLI} is missing: install the example first with \`npm ci --prefix ${UNI_APP_DIR}\``))
  }
  const args = platform === 'h5' ? ['build'] : ['build', '-p', platform]
  const started = Date.now()
  return new Promise((resolve, reject) => {
    // The uni CLI resolves the project from the working directory; NODE_ENV is its own business.
    const { NODE_ENV: _, ...inherited } = process.env
    execFile(
      join(process.cwd(), UNI_CLI),
      args,
      { cwd: UNI_APP_DIR, env: { ...inherited, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`uni ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`))
        resolve({ dir: join(UNI_APP_DIR, 'dist/build', platform), ms: Date.now() - started })
      },
    )
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
