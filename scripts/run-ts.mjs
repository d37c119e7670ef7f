// Runs a TypeScript entry under Node: esbuild bundles it, luch-request's extensionless ESM included, into
// node_modules/.cache/painless-token/, then it runs in this process, so its exit code is ours.
// Usage: node scripts/run-ts.mjs <entry.ts> [args…]   (the script sees its args at process.argv.slice(2))
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args…]')
  process.exit(2)
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const entryPath = path.resolve(entry)
const name = path
  .relative(root, entryPath)
  .replace(/\.[cm]?tsx?$/, '')
  .replace(/[^\w.-]+/g, '-')
const outfile = path.join(root, 'node_modules', '.cache', 'painless-token', `${name}.mjs`)

try {
  await build({
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    // crypto-js is CommonJS and calls require('crypto'); an ESM bundle has no require unless we make one.
    banner: {
      js: "import { createRequire as __runTsCreateRequire } from 'node:module'; const require = __runTsCreateRequire(import.meta.url);",
    },
  })
} catch {
  // esbuild has already printed what went wrong.
  process.exit(1)
}

process.argv = [process.argv[0], entryPath, ...args]
// Stack traces point into the .ts sources, not the bundle.
process.setSourceMapsEnabled(true)
await import(pathToFileURL(outfile).href)
