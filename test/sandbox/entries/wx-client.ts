// Bundled for the sandbox: the scenario client on painless-token/wx, finding wx.request through the global `wx`.
export { startWx as start } from '../../adapters/drivers/wx.ts'
