// The uni_modules variant's import of painless-token: the plugin-market folder an HBuilderX project copies into
// src/uni_modules/ (`npm run build:uni-modules` at the repository root writes it). `@` is src/, as in every uni-app.
export * from '@/uni_modules/painless-token'
