// Browser and real-build end-to-end suites (`npm run test:e2e`): headless Chromium through playwright-core,
// the uni-app example's builds and the visualizer's build. Kept out of `npm test` because they need a browser
// and builds; run one file at a time so a browser and a build do not fight over two cores.
import { defineConfig } from 'vitest/config'
import { inlineDeps, sourceAliases } from './vitest.shared.ts'

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    server: inlineDeps,
  },
})
