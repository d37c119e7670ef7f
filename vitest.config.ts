import { configDefaults, defineConfig } from 'vitest/config'
import { inlineDeps, sourceAliases } from './vitest.shared.ts'

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    // The suffix decides where a test runs (test/README.md): `.e2e.test.ts` needs a browser or a build and runs in
    // `npm run test:e2e` (vitest.e2e.config.ts); every other `.test.ts` runs here.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/**/*.e2e.test.ts'],
    server: inlineDeps,
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
        // Browser-only (Web Locks, IndexedDB, BroadcastChannel): Node has none of them, so these lines run in headless
        // Chromium (test/e2e/web-locks*.e2e.test.ts), not here; construction checks run here (test/web-locks/).
        'src/web-locks/{channel,engine,lock,store,timer}.ts',
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
