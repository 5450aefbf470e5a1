import { openQueue } from '../src/taskQueue/openQueue.js'
import { createWorker } from '../src/runtime/localWorker.js'
import { machine, machineLine } from './machine.js'
import { withTempDir } from './tempDir.js'

/**
 * What kept logs cost the host (issue 15): 20 executions running at once in one in-process worker
 * on an fs store, each calling `ctx.log` 5 times every 100 ms (1,000 lines/s in all, with a small
 * `fields` object), against the same 20 executions not logging. Measured over a window of `WINDOW_MS` once
 * all 20 run: LiveStore commits and events per second, and the process's CPU (user + system) per
 * second. Each commit costs ~9 ms of CPU and each event ~1 ms (docs/design.md, fact 10): the
 * worker's log buffer sends the lines of all its executions as one event about once a second.
 *
 *   node dist/bench/logs.js            (about 30 s)
 */
const EXECUTIONS = 20
const BURST_EVERY_MS = 100
const LINES_PER_BURST = 5
const WINDOW_MS = 8_000

type Phase = { commitsPerS: number; eventsPerS: number; cpuMsPerS: number; linesPerS: number }

const phase = async (logging: boolean): Promise<Phase> =>
  withTempDir(async (dataDir) => {
    const queue = await openQueue({ dataDir })
    let commits = 0
    let events = 0
    const store = queue.store
    const commit = store.commit.bind(store) as (...args: unknown[]) => unknown
    // Counts what the group commit hands LiveStore: one call is one commit of its events.
    ;(store as unknown as { commit: (...args: unknown[]) => unknown }).commit = (...args: unknown[]) => {
      commits += 1
      events += args.filter((a) => typeof a === 'object' && a !== null && 'name' in a).length
      return commit(...args)
    }
    let lines = 0
    let running = 0
    let stop = false
    const worker = createWorker({
      queue,
      concurrency: EXECUTIONS,
      hooks: { 'task:log': () => {} },
      handlers: {
        agent: async (_task, ctx) => {
          running += 1
          for (let i = 0; !stop; i++) {
            await new Promise((resolve) => setTimeout(resolve, BURST_EVERY_MS))
            if (!logging) continue
            for (let j = 0; j < LINES_PER_BURST; j++) ctx.log(`step ${i}.${j}: thinking about the next tool call`, { step: i, tokens: 120 + j })
            lines += LINES_PER_BURST
          }
          return 'done'
        },
      },
    })
    const tasks = await queue.enqueueMany(Array.from({ length: EXECUTIONS }, () => ({ type: 'agent' })))
    await worker.start()
    while (running < EXECUTIONS) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 1_000)) // past the claims' commits
    const before = { commits, events, lines, cpu: process.cpuUsage(), at: performance.now() }
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS))
    const cpu = process.cpuUsage(before.cpu)
    const seconds = (performance.now() - before.at) / 1000
    const result = {
      commitsPerS: (commits - before.commits) / seconds,
      eventsPerS: (events - before.events) / seconds,
      cpuMsPerS: (cpu.user + cpu.system) / 1000 / seconds,
      linesPerS: (lines - before.lines) / seconds,
    }
    stop = true
    await Promise.all(tasks.map((t) => queue.wait(t.id, { timeoutMs: 30_000 })))
    await worker.stop()
    await queue.close()
    return result
  })

const quiet = await phase(false)
const logged = await phase(true)
const f = (n: number, digits = 1) => n.toFixed(digits)
process.stdout.write(`${machineLine(machine())}\n`)
process.stdout.write(`no logging:      ${f(quiet.commitsPerS)} commits/s, ${f(quiet.eventsPerS)} events/s, ${f(quiet.cpuMsPerS, 0)} ms CPU/s\n`)
process.stdout.write(
  `${f(logged.linesPerS, 0)} lines/s:   ${f(logged.commitsPerS)} commits/s, ${f(logged.eventsPerS)} events/s, ${f(logged.cpuMsPerS, 0)} ms CPU/s\n`,
)
process.stdout.write(
  `extra:           ${f(logged.commitsPerS - quiet.commitsPerS)} commits/s, ${f(logged.eventsPerS - quiet.eventsPerS)} events/s, ${f(logged.cpuMsPerS - quiet.cpuMsPerS, 0)} ms CPU/s (${f(((logged.cpuMsPerS - quiet.cpuMsPerS) / logged.linesPerS) * 1000, 0)} µs per line)\n`,
)
