// Bundles test-only app code for the mini-program sandbox as a mini-program project would ship it: one CommonJS
// file, platform neutral, ES2017, npm packages inlined. Also lists the free globals a bundle refers to.
import path from 'node:path'
import { build, type Plugin } from 'esbuild'
import ts from 'typescript'

export interface BundleOptions {
  /**
   * 'package': the library stays out of the bundle: imports of src/index.ts and src/entries/<name>.ts become
   * `require('painless-token')` and `require('painless-token/<name>')`, served by the sandbox from what WeChat's
   * builder wrote into miniprogram_npm/. 'inline' (default): the library is bundled from src, as uni-app's bundler does.
   */
  library?: 'package' | 'inline'
}

/** Bundles `entry` (a path) or `contents` (source text resolved from `resolveDir`) into one CJS script. */
export async function bundleForMiniProgram(
  input: { entry: string } | { contents: string; resolveDir: string },
  options: BundleOptions = {},
): Promise<string> {
  const result = await build({
    ...(options.library === 'package' ? { plugins: [libraryAsPackage] } : {}),
    ...('entry' in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.contents, resolveDir: input.resolveDir, loader: 'ts' } }),
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    mainFields: ['module', 'main'],
    // crypto-js tries require('crypto') inside try/catch: left to the runtime, which has no such module.
    external: ['crypto'],
    logLevel: 'silent',
  })
  return (result.outputFiles[0] as { text: string }).text
}

const SOURCE = path.resolve('src')
const MACHINES = path.resolve('machines')

// The package's entries by source file; any other file of the library reached from app code is a mistake (it would
// be a second copy of the library beside the package's), so the build fails on it.
const libraryAsPackage: Plugin = {
  name: 'library-as-package',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      const file = path.resolve(args.resolveDir, args.path)
      if (file === path.join(SOURCE, 'index.ts')) return { path: 'painless-token', external: true }
      const entry = /^entries[\\/]([\w-]+)\.ts$/.exec(path.relative(SOURCE, file))
      if (entry) return { path: `painless-token/${entry[1]}`, external: true }
      if (file.startsWith(SOURCE + path.sep) || file.startsWith(MACHINES + path.sep))
        return { errors: [{ text: `${args.importer} imports ${args.path}: app code reaches the library through its entries only` }] }
      return undefined
    })
  },
}

/**
 * The globals each script refers to that ES2017 does not define, with how many references sit directly under
 * `typeof`. Found by TypeScript's binder: an identifier no declaration in the script or in lib.es2017 resolves.
 */
export function freeGlobals(scripts: Record<string, string>): Record<string, Record<string, { refs: number; typeofRefs: number }>> {
  const host = ts.createCompilerHost({})
  const getSourceFile = host.getSourceFile
  const fileExists = host.fileExists
  const names = Object.keys(scripts).map((name) => `/sandbox/${name}.js`)
  host.getSourceFile = (file, version) => {
    const name = file.slice('/sandbox/'.length, -'.js'.length)
    return file.startsWith('/sandbox/')
      ? ts.createSourceFile(file, scripts[name] as string, ts.ScriptTarget.ES2017, true, ts.ScriptKind.JS)
      : getSourceFile(file, version)
  }
  host.fileExists = (file) => file.startsWith('/sandbox/') || fileExists(file)
  const program = ts.createProgram(names, { allowJs: true, noEmit: true, lib: ['lib.es2017.d.ts'], types: [], noResolve: true }, host)
  const checker = program.getTypeChecker()
  const found: Record<string, Record<string, { refs: number; typeofRefs: number }>> = {}
  for (const file of names) {
    const globals: Record<string, { refs: number; typeofRefs: number }> = {}
    const visit = (node: ts.Node): void => {
      // TypeScript declares globalThis itself: count it by name.
      if (ts.isIdentifier(node) && isReference(node) && (node.text === 'globalThis' || !checker.getSymbolAtLocation(node))) {
        const entry = (globals[node.text] ??= { refs: 0, typeofRefs: 0 })
        entry.refs++
        if (ts.isTypeOfExpression(node.parent)) entry.typeofRefs++
      }
      ts.forEachChild(node, visit)
    }
    visit(program.getSourceFile(file) as ts.SourceFile)
    found[file.slice('/sandbox/'.length, -'.js'.length)] = globals
  }
  return found
}

// Identifiers that name a variable, not a property, a label or a declaration's key.
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === node
  if (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) return parent.name !== node
  if (ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) return parent.name !== node
  if (ts.isBindingElement(parent)) return parent.propertyName !== node
  return !ts.isLabeledStatement(parent) && !ts.isBreakOrContinueStatement(parent)
}
