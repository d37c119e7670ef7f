// The suites Stryker runs: all of `npm test` (perTest coverage runs only the tests that reach a mutant), without
// coverage and without the mini-program sandbox. That suite runs bundles in a vm with code generation from strings
// off and, in one pass, no globalThis: Stryker's instrumented code needs `new Function` there, and no mutant is
// reachable from it. Nor the uni_modules package test: it builds src into a bundle and imports that inside a test,
// and under Stryker src is instrumented, so the bundle's copy of the machine would report every static mutant as
// covered by that test (then retested with runtime activation, where a static mutant cannot take effect).
// Nor the fleet suites (test/fleet): they bundle src into real child processes, which a mutant activated at run time
// in this process never reaches. (An `include` list here would not narrow anything: mergeConfig concatenates arrays.)
import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.ts'

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/sandbox/**', 'test/package/uni-modules.test.ts', 'test/fleet/**'],
      coverage: { enabled: false },
    },
  }),
)
