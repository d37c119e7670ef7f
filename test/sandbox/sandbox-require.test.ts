// The sandbox's require() for a compiled project (SandboxOptions.files): relative to the requiring file, each
// module run once, and an unknown path refused as WeChat refuses it.
import { describe, expect, it, onTestFinished } from 'vitest'
import { createMiniProgramSandbox, type MiniProgramSandbox } from './mini-program-sandbox.ts'

const files = {
  'common/vendor.js': 'global.runs = (global.runs || 0) + 1; exports.answer = 42',
  'pages/index/index.js': 'const vendor = require("../../common/vendor.js"); Page({ answer: vendor.answer })',
  'app.js': 'const vendor = require("./common/vendor.js"); App({ answer: vendor.answer, runs: function () { return global.runs } })',
  'pages/broken/broken.js': 'require("../common/vendor.js")',
}

/** A sandbox holding `files`, disposed of when the test finishes. */
function sandboxedProject(): MiniProgramSandbox {
  const sandbox = createMiniProgramSandbox({ wx: {}, files })
  onTestFinished(() => sandbox.dispose())
  return sandbox
}

describe('require in a sandboxed project', () => {
  it('resolves paths relative to the requiring file and runs each module once', () => {
    const sandbox = sandboxedProject()

    sandbox.load(files['app.js'], 'app.js')
    sandbox.load(files['pages/index/index.js'], 'pages/index/index.js')

    expect(sandbox.app?.answer).toBe(42)
    expect(sandbox.app?.runs()).toBe(1)
    expect(sandbox.pages).toEqual([{ route: 'pages/index/index', options: { answer: 42 } }])
  })

  it('refuses a path that names no file of the project', () => {
    const sandbox = sandboxedProject()

    expect(() => sandbox?.load(files['pages/broken/broken.js'], 'pages/broken/broken.js')).toThrow(
      "module '../common/vendor.js' is not defined",
    )
  })

  it('finds a bare name in the nearest miniprogram_npm/, as <name>.js or <name>/index.js, as WeChat does', () => {
    const sandbox = createMiniProgramSandbox({
      wx: {},
      files: {
        'miniprogram_npm/lib/index.js': 'exports.from = "root"',
        'miniprogram_npm/lib/sub.js': 'exports.from = "root sub"',
        'pages/miniprogram_npm/lib/index.js': 'exports.from = "pages"',
      },
    })
    onTestFinished(() => sandbox.dispose())

    const required = sandbox.load('module.exports = [require("lib").from, require("lib/sub").from]', 'pages/index/index.js')

    expect(required).toEqual(['pages', 'root sub'])
    expect(sandbox.load('module.exports = require("lib").from', 'app.js')).toBe('root')
    expect(() => sandbox.load('require("missing")', 'app.js')).toThrow("module 'missing' is not defined")
  })
})
