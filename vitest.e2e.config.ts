// Browser and real-build end-to-end suites (`npm run test:e2e`): headless Chromium through playwright-core,
// the uni-app example's builds and the visualizer's build. Kept out of `npm test` because they need a browser
// and builds; run one file at a time so a browser and a build do not fight over two cores.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // package.json "exports" points at dist/ (the build); tests run the source, so map the package's own name
  // back to src: `painless-token` -> src/index.ts, `painless-token/<entry>` -> src/entries/<entry>.ts.
  resolve: {
    alias: [
      { find: /^painless-token$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^painless-token\/(?!package\.json$)([\w-]+)$/,
        replacement: fileURLToPath(new URL('./src/entries/', import.meta.url)) + '$1.ts',
      },
    ],
  },
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    server: { deps: { inline: ['luch-request'] } },
  },
})
