// The app's one import of painless-token: the npm package (vite.config.ts maps it to this repository's src/).
// The uni_modules variant of this example builds painless-token.uni-modules.ts in this file's place.
export * from 'painless-token'
