// `npm run build:uni-modules`: writes uni_modules/painless-token/, the DCloud plugin-market package that HBuilderX
// projects copy into their own uni_modules/. A uni_modules folder gets no npm install, so js_sdk/ is ES2017 ESM with
// xstate and crypto-js inside; luch-request stays out (the adapter only needs the app's instance).
// Usage: node scripts/build-uni-modules.mjs [outDir]   (default uni_modules/painless-token; relative to the cwd)
// Plain .mjs, not .ts: scripts/run-ts.mjs bundles its entry, and tsdown cannot be bundled.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsdown'

const ID = 'painless-token'
const root = fileURLToPath(new URL('..', import.meta.url))
const fromRoot = (file) => path.join(root, file)
const out = path.resolve(process.argv[2] ?? fromRoot(`uni_modules/${ID}`))
// Cleaned before each build: refuse a folder that is not ours to wipe.
if (path.basename(out) !== ID) throw new Error(`the output folder must be named ${ID}, got ${out}`)
const ours = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8'))

rmSync(out, { recursive: true, force: true })
await build({
  config: false,
  cwd: root,
  entry: { [ID]: 'scripts/build-uni-modules.entry.ts' },
  outDir: path.join(out, 'js_sdk'),
  format: 'esm',
  platform: 'neutral',
  target: 'es2017',
  // Minified: nobody edits a bundled xstate, and HBuilderX's unminified dev builds ship this file as it is.
  minify: true,
  dts: true,
  logLevel: 'warn',
  checks: { pluginTimings: false },
  deps: { alwaysBundle: ['xstate', /^crypto-js(\/|$)/], neverBundle: ['luch-request'], onlyBundle: false },
  // xstate's ESM build (its "module" condition), which tree-shakes; "import" would pick its CJS wrapper. The entry
  // signature setting is what codeSplitting's includeDependenciesRecursively: false (below) requires.
  inputOptions: { preserveEntrySignatures: 'allow-extension', resolve: { conditionNames: ['module', 'import', 'default'] } },
  outputOptions: {
    // Signing and crypto-js in a file of their own: with "sideEffects": false below, an app that never signs drops
    // that file (≈4 kB min+gzip), as the npm package lets bundlers do. Inside one file, crypto-js's CommonJS
    // initialisers would stay. What signing shares with the adapters goes to a third file, so no two files import
    // each other. (Rolldown keeps its CommonJS helpers in rolldown-runtime.js, used by crypto-js's wrappers only.)
    chunkFileNames: '[name].js',
    codeSplitting: {
      includeDependenciesRecursively: false,
      groups: [
        { name: 'signing', test: /[\\/](crypto-js[\\/]|src[\\/]signer\.ts)|no-node-crypto/ },
        { name: 'shared', test: /[\\/]src[\\/]adapters[\\/]http\.ts/ },
      ],
    },
  },
  plugins: [
    // crypto-js probes require('crypto') for random numbers, which painless-token never asks it for; its package.json
    // maps the module to nothing for browsers ("browser": { "crypto": false }), and so does this build.
    {
      name: 'no-node-crypto',
      resolveId: (id) => (id === 'crypto' ? '\0no-node-crypto' : null),
      load: (id) => (id === '\0no-node-crypto' ? 'module.exports = {}' : null),
    },
  ],
})
// A legal comment, which minifiers keep, so a built app shows which copy it holds (the e2e suites check this). Put
// after the imports: uni's mini-program build rewrites imports and drops a comment that sits above them.
const entryFile = path.join(out, 'js_sdk', `${ID}.js`)
const entryCode = readFileSync(entryFile, 'utf8')
const imports = /^(?:import\{[^}]*\}from"[^"]*";)*/.exec(entryCode)[0]
const legal = `/*! ${ID} ${ours.version} (uni_modules build) | MIT | bundles xstate and crypto-js (MIT): see license.md */`
writeFileSync(entryFile, `${imports}\n${legal}\n${entryCode.slice(imports.length)}`)
// The declarations import nothing (xstate's types are inlined too): they can sit at the root as index.d.ts.
renameSync(path.join(out, 'js_sdk', `${ID}.d.ts`), path.join(out, 'index.d.ts'))
writeFileSync(
  path.join(out, 'index.js'),
  `// import { createTokenController } from '@/uni_modules/${ID}'\nexport * from './js_sdk/${ID}.js'\n`,
)

// DCloud's schema (uni_modules.md, HBuilderX 4.71+): "√" supported, "x" not, "-" unknown. "√" only where this
// repository builds the example and runs it end to end: H5 in headless Chromium, mp-weixin in the sandbox, Vue 3.
const untested = (...names) => Object.fromEntries(names.map((name) => [name, '-']))
const manifest = {
  id: ID,
  displayName: 'painless-token 无感刷新 token',
  version: ours.version,
  description:
    '无感刷新 access token：并发请求只刷新一次，排队的请求自动带上新 token 重发，错误带类型和 code。支持 luch-request、uni.request 拦截器、请求签名。',
  keywords: ['token', 'refresh-token', 'luch-request', 'request', 'interceptor'],
  main: 'index.js',
  types: 'index.d.ts',
  sideEffects: false,
  license: ours.license,
  engines: { HBuilderX: '^3.1.0', 'uni-app': '^3.1.0' },
  dcloudext: {
    type: 'sdk-js',
    declaration: {
      ads: '无',
      data: '插件不采集任何数据（token 只存于应用本地存储，请求只发往开发者配置的服务器）',
      permissions: '无',
    },
    npmurl: `https://www.npmjs.com/package/${ID}`,
  },
  uni_modules: {
    dependencies: [],
    encrypt: [],
    platforms: {
      cloud: untested('tcb', 'aliyun', 'alipay'),
      client: {
        'uni-app': {
          vue: { vue2: '-', vue3: '√' },
          web: { safari: '-', chrome: '√' },
          app: untested('vue', 'nvue', 'android', 'ios', 'harmony'),
          mp: { weixin: '√', ...untested('alipay', 'toutiao', 'baidu', 'kuaishou', 'jd', 'harmony', 'qq', 'lark') },
          quickapp: untested('huawei', 'union'),
        },
        'uni-app-x': { web: untested('safari', 'chrome'), app: untested('android', 'ios', 'harmony'), mp: untested('weixin') },
      },
    },
  },
}
writeFileSync(path.join(out, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')

const fill = (text) => text.replaceAll('{{version}}', ours.version)
writeFileSync(path.join(out, 'readme.md'), fill(readFileSync(fromRoot('scripts/build-uni-modules.readme.md'), 'utf8')))
writeFileSync(path.join(out, 'changelog.md'), `## ${ours.version}\n\n- 与 npm 包 ${ID}@${ours.version} 同一份源码构建。\n`)
// MIT asks for the notices of the code bundled in js_sdk/ too.
const notice = (name) => `\n---\n\n${name} (bundled in js_sdk/):\n\n${readFileSync(fromRoot(`node_modules/${name}/LICENSE`), 'utf8')}`
writeFileSync(path.join(out, 'license.md'), readFileSync(fromRoot('LICENSE'), 'utf8') + notice('xstate') + notice('crypto-js'))
console.log(`wrote ${path.relative(process.cwd(), out) || out}`)
