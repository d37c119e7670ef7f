// The suites Stryker runs: all of `npm test` (perTest coverage runs only the tests that reach a mutant), without
// coverage and without the mini-program sandbox. That suite runs bundles in a vm with code generation from strings
// off and, in one pass, no globalThis: Stryker's instrumented code needs `new Function` there, and no mutant is
// reachable from it. (An `include` list here would not narrow anything: mergeConfig concatenates arrays.)
import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.ts'

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/sandbox/**'],
      coverage: { enabled: false },
    },
  }),
)
