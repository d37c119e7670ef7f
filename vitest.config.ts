import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser and build suites run in `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    // luch-request ships extensionless ESM meant for uni-app's bundler: let vite transform it.
    server: { deps: { inline: ['luch-request'] } },
    testTimeout: 15_000,
  },
})
