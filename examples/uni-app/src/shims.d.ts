// Types for what vite and the uni plugin provide at build time (uni-app's own come from @dcloudio/types).

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** The mini-program's API origin, set in vite.config.ts. */
declare const __API_BASE__: string
