// The orders page: one request through the app's token-carrying wx.request. A failure shows its code
// (REFRESH_FAILED, WAIT_TIMEOUT, …) or wx's errMsg.
const app = getApp()

Page({
  data: { orders: null, error: '' },

  onLoad() {
    this.load()
  },

  load() {
    app.request({
      url: app.globalData.api + '/api/orders',
      success: (res) => this.setData({ orders: res.data, error: '' }),
      fail: (err) => this.setData({ error: err.code || err.errMsg }),
    })
  },
})
