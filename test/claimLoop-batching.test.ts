import { describe, expect, it } from 'vitest'
import type { Claim } from '../src/queue/types.js'
import type { WorkerBackend } from '../src/runtime/backend.js'
import { ClaimLoop } from '../src/runtime/claimLoop.js'
import { CircuitBreakers } from '../src/runtime/circuitBreaker.js'

const turn = () => new Promise((resolve) => setImmediate(resolve))

/**
 * The claim loop against a backend that records each claim's limit and answers at once with that
 * many tasks (no queue needed: what is under test is how many claims the loop sends and for how
 * many slots). The executions are plain records the test settles and frees by hand.
 */
const harness = (claimWaitMs: number) => {
  const limits: number[] = []
  let n = 0
  const backend = {
    claimWaitMs,
    claim: async (opts: { limit?: number }) => {
      limits.push(opts.limit ?? 1)
      return Array.from({ length: opts.limit ?? 1 }, () => ({ task: { id: `t${++n}`, type: 'job' }, executionId: `e${n}` }) as unknown as Claim)
    },
  } as unknown as WorkerBackend
  const running = new Map<string, { reporting: boolean }>()
  const loop = new ClaimLoop({
    backend,
    runnerId: 'r',
    types: ['job'],
    queues: undefined,
    concurrency: 3,
    concurrencyPerType: {},
    leaseMs: 60_000,
    breakers: new CircuitBreakers({ threshold: 5, cooldownMs: 1000, enabled: false }, Date.now, () => {}),
    runningByType: () => new Map([['job', running.size]]),
    reporting: () => [...running.values()].filter((e) => e.reporting).length,
    launch: (claim) => void running.set(claim.executionId, { reporting: false }),
    onError: (e) => {
      throw e
    },
  })
  /** Every running handler returns; their reports then land one per turn, each freeing its slot. */
  const finishAll = async () => {
    const ids = [...running.keys()]
    for (const id of ids) running.get(id)!.reporting = true
    for (const id of ids) {
      running.delete(id)
      loop.wake()
      await turn()
      await turn()
    }
  }
  return { loop, limits, finishAll }
}

describe('claim loop over HTTP (long-poll claims)', () => {
  it('waits for the reports in flight, then claims for all the freed slots at once', async () => {
    const { loop, limits, finishAll } = harness(25_000)
    loop.start()
    await turn()
    await turn()
    expect(limits).toEqual([3])
    await finishAll()
    // One claim for the three slots, not one claim (and one host commit) per freed slot.
    expect(limits).toEqual([3, 3])
    await loop.stop()
  })

  it('in process (claims answer at once) a freed slot claims at once', async () => {
    const { loop, limits, finishAll } = harness(0)
    loop.start()
    await turn()
    await turn()
    expect(limits).toEqual([3])
    await finishAll()
    expect(limits).toEqual([3, 1, 1, 1])
    await loop.stop()
  })
})
