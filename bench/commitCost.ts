import { execFileSync } from 'node:child_process'
import * as os from 'node:os'
import { fileURLToPath } from 'node:url'
import { openQueue } from '../src/index.js'
import { liveStorePatchState } from '../src/store/livestorePatch.js'
import { machine, machineLine } from './machine.js'
import { benchTask } from './tasks.js'
import { withTempDir } from './tempDir.js'
import { codeVersion } from './version.js'

/**
 * CPU per LiveStore commit, with and without livequeue's patch of LiveStore's sync-state
 * validators (src/store/livestorePatch.ts, docs/design.md "LiveStore's sync-state validation").
 * Each run is a fresh process on a fresh fs store: `--enqueues` awaited enqueues one at a time
 * (one commit each), then `--rounds` rounds of claim one + complete it (two commits per task),
 * each phase ending when the leader has persisted everything. CPU is `process.cpuUsage()` (user +
 * system) of the whole process, so a busy machine makes it wait, not cost more.
 *
 *   npm run build && NODE_ENV=production node dist/bench/commitCost.js [--runs 3] [--enqueues 300] [--rounds 150]
 */
type Phase = { commits: number; events: number; cpuMs: number; wallMs: number }
type RunResult = { patched: boolean; enqueue: Phase; claimComplete: Phase & { tasks: number } }

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1`)
  return value
}

/** One run in this process: what the parent reads from stdout as one JSON line. */
const child = async (enqueues: number, rounds: number): Promise<void> => {
  await withTempDir(async (dir) => {
    const queue = await openQueue({ dataDir: dir })
    const totals = queue.owned.commitTotals
    const phase = async (work: () => Promise<void>): Promise<Phase> => {
      await queue.owned.group.drain()
      const before = { ...totals, cpu: process.cpuUsage(), at: performance.now() }
      await work()
      await queue.owned.group.drain()
      const cpu = process.cpuUsage(before.cpu)
      return {
        commits: totals.commits - before.commits,
        events: totals.events - before.events,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - before.at,
      }
    }
    // Warm-up: JIT, SQLite's page cache, LiveStore's first commits.
    for (let i = 0; i < 50; i++) await queue.enqueue(benchTask(i))
    for (let i = 0; i < 50; i++) {
      const [claim] = await queue.claim({ runnerId: 'bench', limit: 1 })
      if (claim) await queue.complete(claim.executionId, null)
    }
    const enqueue = await phase(async () => {
      for (let i = 0; i < enqueues; i++) await queue.enqueue(benchTask(i))
    })
    let tasks = 0
    const claimComplete = await phase(async () => {
      for (let i = 0; i < rounds; i++) {
        const [claim] = await queue.claim({ runnerId: 'bench', limit: 1 })
        if (!claim) throw new Error('commitCost: nothing left to claim; --rounds must not exceed --enqueues')
        await queue.complete(claim.executionId, null)
        tasks++
      }
    })
    const result: RunResult = { patched: liveStorePatchState()?.applied === true, enqueue, claimComplete: { ...claimComplete, tasks } }
    await queue.close()
    process.stdout.write(`${JSON.stringify(result)}\n`)
  })
}

const perCommit = (p: Phase): string => `${(p.cpuMs / p.commits).toFixed(2)} ms CPU/commit`

const parent = (runs: number, enqueues: number, rounds: number): void => {
  process.stdout.write(`${machineLine(machine())}\ncode: ${codeVersion()}, NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}\n`)
  const self = fileURLToPath(import.meta.url)
  const results: RunResult[] = []
  // Alternating, so a change in the machine's load hits both variants alike.
  for (let run = 1; run <= runs; run++) {
    for (const patch of ['1', '0']) {
      const out = execFileSync(process.execPath, [self, '--child', '--enqueues', String(enqueues), '--rounds', String(rounds)], {
        env: { ...process.env, LIVEQUEUE_LIVESTORE_PATCH: patch },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const r = JSON.parse(out.trim().split('\n').at(-1) as string) as RunResult
      results.push(r)
      const cc = r.claimComplete
      process.stdout.write(
        `run ${run} patch ${r.patched ? 'on ' : 'off'}  load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}  enqueue: ${perCommit(r.enqueue)} (${r.enqueue.commits} commits, ${(r.enqueue.wallMs / enqueues).toFixed(1)} ms wall each)  ` +
          `claim+complete: ${perCommit(cc)}, ${(cc.cpuMs / cc.tasks).toFixed(2)} ms CPU/task (${(cc.commits / cc.tasks).toFixed(2)} commits/task)\n`,
      )
    }
  }
  const summary = (patched: boolean): string => {
    const rs = results.filter((r) => r.patched === patched)
    const sum = (f: (r: RunResult) => number) => rs.reduce((a, r) => a + f(r), 0)
    const enqueue = sum((r) => r.enqueue.cpuMs) / sum((r) => r.enqueue.commits)
    const cc = sum((r) => r.claimComplete.cpuMs) / sum((r) => r.claimComplete.commits)
    const task = sum((r) => r.claimComplete.cpuMs) / sum((r) => r.claimComplete.tasks)
    return `patch ${patched ? 'on ' : 'off'}: enqueue ${enqueue.toFixed(2)} ms CPU/commit, claim+complete ${cc.toFixed(2)} ms CPU/commit, ${task.toFixed(2)} ms CPU/task`
  }
  process.stdout.write(`mean over ${runs} run(s)\n${summary(true)}\n${summary(false)}\n`)
}

const runs = arg('runs', 3)
const enqueues = arg('enqueues', 300)
const rounds = arg('rounds', 150)
if (process.argv.includes('--child')) await child(enqueues, rounds)
else parent(runs, enqueues, rounds)
