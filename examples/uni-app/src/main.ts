// uni-app's entry: it calls createApp() itself, on H5 and in the mini-program alike.
import { createSSRApp } from 'vue'
import App from './App.vue'

export function createApp() {
  const app = createSSRApp(App)
  return { app }
}
