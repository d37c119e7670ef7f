// `npm run visualizer` (dev server on 127.0.0.1) and `npm run visualizer:build` (one self-contained HTML
// file in visualizer/dist: Chromium refuses module scripts over file://, so everything is inlined).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { viteSingleFile } from 'vite-plugin-singlefile'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [viteSingleFile()],
  server: { host: '127.0.0.1', port: 5173, strictPort: false, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
})
