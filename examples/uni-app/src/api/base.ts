// Where the API lives. H5 talks to the origin that served the page; a mini-program has no origin of its own, so it
// uses the HTTPS origin fixed at build time (vite.config.ts), as WeChat's request-domain list requires.
export function apiBase(): string {
  // #ifdef H5
  return window.location.origin
  // #endif
  // #ifndef H5
  // oxlint-disable-next-line no-unreachable -- uni-app's conditional compilation keeps only one of the two returns.
  return __API_BASE__
  // #endif
}
