import { type ChildProcess, spawn } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'

type Reply = { id: number; value?: unknown; error?: { _tag: string; message: string } }

/** Thrown for a request the replica refused: its tag and message, as the replica gave them. */
export class ReplicaCallError extends Error {
  constructor(
    readonly _tag: string,
    message: string,
  ) {
    super(message)
  }
}

export type ReplicaProcess = {
  child: ChildProcess
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>
  /** Resolves with the wall-clock ms at which the replica first had the task (in `status`, if given). */
  seen(taskId: string, status?: string): Promise<number>
  /** The store the replica reads now, the activity seqs its `followActivity({ since: 0 })` got, its `onEpoch` calls. */
  state(): Promise<{
    storeId: string
    seqs: number[]
    epochs: Array<{ storeId: string; epoch: number; previousStoreId: string; activitySeqEnd: number; sealedAt: number; switchedAt: number }>
  }>
  /** What the replica wrote to stderr so far (it logs reopened stores and epoch trouble there). */
  stderr(): string
  close(): Promise<void>
}

/** Starts test/helpers/replicaChild.mjs (an `openReplica` in a real child process) and waits for it to open. */
export const startReplicaProcess = async (syncUrl: string, storeId?: string): Promise<ReplicaProcess> => {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'replicaChild.mjs'), syncUrl, ...(storeId ? [storeId] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const pending = new Map<number, (r: Reply) => void>()
  let nextId = 1
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return resolve()
      const reply = JSON.parse(line) as Reply
      pending.get(reply.id)?.(reply)
      pending.delete(reply.id)
    })
    child.on('exit', (code) => reject(new Error(`replica exited with ${code}: ${stderr}`)))
  })
  const request = (msg: Record<string, unknown>): Promise<Reply> =>
    new Promise((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      child.stdin!.write(`${JSON.stringify({ ...msg, id })}\n`)
    })
  return {
    child,
    async call<T>(method: string, ...args: unknown[]) {
      const reply = await request({ call: method, args })
      if (reply.error) throw new ReplicaCallError(reply.error._tag, reply.error.message)
      return reply.value as T
    },
    async seen(taskId, status) {
      const reply = await request({ seen: taskId, ...(status ? { status } : {}) })
      return (reply.value as { seenAt: number }).seenAt
    },
    async state() {
      return (await request({ state: true })).value as Awaited<ReturnType<ReplicaProcess['state']>>
    },
    stderr: () => stderr,
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.on('exit', r))
      void request({ call: 'close' })
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}
