// uview-plus ships libs/function/http.js (the instance it puts on `uni.$u.http`) without a declaration: it is
// a `new Request()` of the luch-request copy uview-plus bundles, whose declaration it does ship.
declare module 'uview-plus/libs/function/http.js' {
  import type Request from 'uview-plus/libs/luch-request'

  const http: Request
  export default http
}
