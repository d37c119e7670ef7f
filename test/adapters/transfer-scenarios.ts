// The upload and download scenarios, written once for every adapter with uploadFile/downloadFile (uni, wx, Alipay;
// in Node and in the mini-program sandbox) against the real loopback server, which parses the multipart body and
// records the file bytes it received. Run with useScenarioRunner and a driver that returns a TransferClient.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished } from 'vitest'
import { downloadBytes } from '../helpers/token-server.ts'
import { SCENARIO_SECRET, type Outcome, type TransferClient } from './harness.ts'
import type { Scenario, ScenarioContext } from './scenarios.ts'

const HOUR_MS = 3_600_000
const OK: Outcome = { settled: 'resolved', status: 200, code: 200 }
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** A temp file as the platform hands one out (chooseImage's tempFilePath): random bytes, every value possible. */
function tempFile(): { filePath: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'painless-token-upload-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const bytes = Buffer.concat([Buffer.from([0, 255, 13, 10]), randomBytes(4096)])
  const filePath = join(dir, 'avatar.png')
  writeFileSync(filePath, bytes)
  return { filePath, bytes }
}

const startTransfers = async (start: ScenarioContext['start'], config?: Parameters<ScenarioContext['start']>[0]) =>
  (await start(config)) as TransferClient

export const transferScenarios: Scenario[] = [
  {
    name: 'uploads a burst of files after the token expired with one token call, each file arriving whole',
    async run({ server, start, advance }) {
      const client = await startTransfers(start)
      const file = tempFile()
      expect(await client.upload('/upload/warm-up', file).outcome).toEqual(OK)

      advance(HOUR_MS + 1)
      const outcomes = await Promise.all(range(6).map((i) => client.upload(`/upload/photo-${i}`, file).outcome))

      expect(outcomes).toEqual(range(6).map(() => OK))
      expect(server.calls('/token')).toBe(2)
      for (const i of range(6)) {
        const [received, ...more] = server.uploads(`/upload/photo-${i}`)
        expect(more).toEqual([])
        expect(received?.files.map((f) => [f.field, f.filename])).toEqual([['file', 'avatar.png']])
        expect(received?.files[0]?.bytes.equals(file.bytes)).toBe(true)
      }
    },
  },
  {
    name: 'replays an upload refused after revocation with the same filePath: the server receives the file twice',
    async run({ server, start }) {
      const client = await startTransfers(start)
      const file = tempFile()
      await client.send('/api/warm-up').outcome

      server.revokeAll()
      const outcome = await client.upload('/upload/avatar', { ...file, formData: { kind: 'avatar' } }).outcome

      expect(outcome).toEqual(OK)
      expect(server.calls('/token')).toBe(2)
      const received = server.uploads('/upload/avatar')
      expect(received.map((u) => u.status)).toEqual([401, 200])
      for (const upload of received) {
        expect(upload.fields).toEqual({ kind: 'avatar' })
        expect(upload.files[0]?.bytes.equals(file.bytes)).toBe(true)
      }
    },
  },
  {
    name: 'rejects with ABORTED an upload aborted while it waits for its token, and sends nothing',
    server: { tokenFault: 'hang' },
    async run({ server, start }) {
      const client = await startTransfers(start)

      const sent = client.upload('/upload/parked', tempFile())
      await client.whenParked(1)
      sent.abort()

      expect(await sent.outcome).toEqual({ settled: 'rejected', error: 'ABORTED' })
      expect(server.calls('/upload/parked')).toBe(0)
      expect(client.state).toBe('refreshing')
    },
  },
  {
    name: 'signs the form fields of an upload as its body, on the first send and on the replay',
    server: { signatureSecret: SCENARIO_SECRET },
    async run({ server, start }) {
      const client = await startTransfers(start, { sign: 'copy' })
      const file = tempFile()
      expect(await client.send('/api/warm-up').outcome).toEqual(OK)

      server.revokeAll()
      const outcome = await client.upload('/upload/signed', { ...file, formData: { album: 'holiday', caption: '海边' } }).outcome

      // A bad signature is a 400; the replay carries a fresh nonce and the new token.
      expect(outcome).toEqual(OK)
      expect(server.uploads('/upload/signed').map((u) => u.status)).toEqual([401, 200])
    },
  },
  {
    name: 'refuses an upload to a plain-http URL with INSECURE_URL, fetching no token and sending nothing',
    async run({ server, start }) {
      const client = await startTransfers(start)

      const outcome = await client.upload('http://uploads.example.com/upload/avatar', tempFile()).outcome

      expect(outcome).toEqual({ settled: 'rejected', error: 'INSECURE_URL' })
      expect(server.calls()).toBe(0)
    },
  },
  {
    name: 'sends an opted-out upload without a token, fetching none',
    async run({ server, start }) {
      const client = await startTransfers(start)

      const outcome = await client.upload('/upload/public', { ...tempFile(), auth: false }).outcome

      expect(outcome).toMatchObject({ status: 401, code: 401 })
      expect(server.lastHeaders('/upload/public')).not.toHaveProperty('authorization')
      expect(server.calls('/token')).toBe(0)
    },
  },
  {
    name: 'downloads with the token, replaying after revocation, and the saved file holds the bytes sent',
    async run({ server, start }) {
      const client = await startTransfers(start)
      await client.send('/api/warm-up').outcome

      server.revokeAll()
      const outcome = await client.download('/download/invoice.pdf').outcome

      expect(outcome).toMatchObject({ settled: 'resolved', status: 200 })
      expect(server.calls('/download/invoice.pdf')).toBe(2)
      expect(server.calls('/token')).toBe(2)
      const file = (outcome as { file: string }).file
      expect(readFileSync(file).equals(downloadBytes('/download/invoice.pdf'))).toBe(true)
    },
  },
]
