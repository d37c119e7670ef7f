import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

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
    include: ['test/**/*.test.ts'],
    // Browser and build suites run in `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    // luch-request ships extensionless ESM meant for uni-app's bundler: let vite transform it.
    server: { deps: { inline: ['luch-request'] } },
    testTimeout: 15_000,
    // `npm test` runs with --coverage; a single file run (`npx vitest run test/x.test.ts`) stays fast and unchecked.
    coverage: {
      provider: 'v8',
      include: ['src/**', 'machines/**'],
      exclude: [
        // vitest matches these globs anywhere in a path (picomatch `contains`): `src/**` alone would take in
        // visualizer/src/ too, which is the visualizer's code, not the library's.
        'visualizer/**',
        // Exports only: index.ts and the subpath entries re-export what the files below define, so
        // their lines are covered (or not) where they are defined; counting them again adds nothing.
        'src/index.ts',
        'src/entries/**',
        'src/storage/index.ts',
        // Types only: erased at compile time, no line to run.
        'src/storage/types.ts',
        'machines/token.types.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      // reports/ is gitignored.
      reportsDirectory: 'reports/coverage',
      thresholds: { lines: 95, branches: 95 },
    },
  },
})
