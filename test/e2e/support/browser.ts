// Launches the system's headless Chromium for the browser end-to-end suites. There is no bundled browser
// (playwright's own download cannot reach the network here): without one, the suite fails and says how to
// install it, instead of passing silently.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** The Chromium binary: `CHROMIUM_PATH` if set, else the first of the usual Debian/Ubuntu paths. */
export function findChromium(): string {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CANDIDATES
  const found = candidates.find((path) => existsSync(path))
  if (found === undefined) {
    throw new Error(
      `No Chromium found (looked at ${candidates.join(', ')}). Install one: \`sudo apt-get update && sudo apt-get install -y chromium\`, ` +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    )
  }
  return found
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu'] })
}
