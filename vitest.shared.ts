// What both vitest configs share. package.json "exports" points at dist/ (the build); tests run the source, so
// the package's own name maps back to src: `painless-token` -> src/index.ts, `painless-token/<entry>` ->
// src/entries/<entry>.ts.
import { fileURLToPath } from 'node:url'

export const sourceAliases = [
  { find: /^painless-token$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  {
    find: /^painless-token\/(?!package\.json$)([\w-]+)$/,
    replacement: fileURLToPath(new URL('./src/entries/', import.meta.url)) + '$1.ts',
  },
]

// luch-request ships extensionless ESM meant for uni-app's bundler: let vite transform it. uview-plus bundles its
// own copy of luch-request (3.0.7, behind `uni.$u.http`) written the same way.
export const inlineDeps = { deps: { inline: ['luch-request', 'uview-plus'] } }
