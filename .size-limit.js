// Size budgets (min+gzip, bundled by esbuild as an app would) for `npm run size`. "our code" rows ignore the
// dependencies, which an app may already ship; the "with dependencies" rows show what a first-time user pays.
const entries = ['luch-request', 'uni', 'wx', 'axios', 'fetch']

const rows = [
  { name: '. (our code)', path: 'dist/index.js', import: '*', ignore: ['xstate', 'crypto-js'], limit: '4 KB' },
  { name: '. (with xstate + crypto-js)', path: 'dist/index.js', import: '*' },
  {
    name: '. createTokenController only (our code)',
    path: 'dist/index.js',
    import: '{ createTokenController }',
    ignore: ['xstate', 'crypto-js'],
  },
  { name: '. createTokenController only (with xstate)', path: 'dist/index.js', import: '{ createTokenController }' },
  ...entries.map((entry) => ({ name: `./${entry}`, path: `dist/${entry}.js`, import: '*', limit: '1.5 KB' })),
  { name: './signing (our code)', path: 'dist/signing.js', import: '*', ignore: ['crypto-js'] },
  { name: './signing (with crypto-js)', path: 'dist/signing.js', import: '*' },
  { name: './machine (our code)', path: 'dist/machine.js', import: '*', ignore: ['xstate'] },
]

// The budgets are min+gzip (size-limit's default is brotli).
export default rows.map((row) => ({ gzip: true, ...row }))
