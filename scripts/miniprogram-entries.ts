// The entries of the miniprogram build (tsdown.miniprogram.config.ts): what a mini-program can require, as
// `painless-token` (index) and `painless-token/<name>`. One list for the build, its tests and the package smoke test.
export const MINIPROGRAM_ENTRIES: Record<string, string> = {
  index: 'src/index.ts',
  wx: 'src/entries/wx.ts',
  uni: 'src/entries/uni.ts',
  'luch-request': 'src/entries/luch-request.ts',
  signing: 'src/entries/signing.ts',
  machine: 'src/entries/machine.ts',
  lifecycle: 'src/entries/lifecycle.ts',
}
