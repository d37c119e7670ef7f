// A native WeChat mini-program on painless-token: the token comes from wx.login's code, lives in wx storage, and
// every request goes through createWxRequest, which waits for it, sets the header and replays after a 401.
// `npm install` (package.json here), then "Tools > Build npm" in WeChat DevTools: it copies the package's miniprogram
// folder (CommonJS, ES2017, xstate inside) to miniprogram_npm/painless-token/, where both requires below resolve.
// Requests must go to a whitelisted https domain.
const { createTokenController, wxStorage } = require('painless-token')
const { createWxRequest } = require('painless-token/wx')

const API = 'https://api.example.com'

// Exchanges a wx.login code for an access token. `auth: false`: this request is how the token is made.
function fetchToken() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: ({ code }) =>
        request({
          url: API + '/token',
          method: 'POST',
          header: { 'content-type': 'application/x-www-form-urlencoded' },
          data: { grant_type: 'client_credentials', code },
          auth: false,
          // Anything but a 200 is a failed attempt; the controller retries, then rejects with REFRESH_FAILED.
          success: (res) => (res.statusCode === 200 ? resolve(res.data) : reject(res)),
          fail: reject,
        }),
      fail: reject,
    })
  })
}

const tokens = createTokenController({ fetchToken, storage: wxStorage() })
const request = createWxRequest(tokens)

App({
  globalData: { api: API },
  tokens,
  request,
})
