// Bundled for the sandbox as WeChat's "Build npm" would ship painless-token: the root API and the wx adapter in one
// module, provided to the example as both 'painless-token' and 'painless-token/wx'.
export * from '../../../src/index.ts'
export * from '../../../src/entries/wx.ts'
