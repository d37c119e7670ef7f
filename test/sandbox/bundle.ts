// Bundles TypeScript for the mini-program sandbox as a mini-program project would ship it: one CommonJS file,
// platform neutral, ES2017, npm packages inlined. Also lists the free globals a bundle refers to.
import { build } from 'esbuild'
import ts from 'typescript'

/** Bundles `entry` (a path) or `contents` (source text resolved from `resolveDir`) into one CJS script. */
export async function bundleForMiniProgram(input: { entry: string } | { contents: string; resolveDir: string }): Promise<string> {
  const result = await build({
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
