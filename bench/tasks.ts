/** The task both sides enqueue: the same type, priority and small JSON payload. */
export type BenchTask = { type: string; payload: { i: number; note: string }; priority: number; delay?: number }

/** Task `i` of a run; priorities vary so the claim order has work to do. */
export const benchTask = (i: number): BenchTask => ({
  type: 'bench',
  payload: { i, note: 'benchmark task' },
  priority: [3, 5, 7, 10][i % 4] as number,
})

/** Tasks `from` … `from + count - 1`. */
export const benchTasks = (from: number, count: number): BenchTask[] => Array.from({ length: count }, (_, k) => benchTask(from + k))

/** Task `i`, due `delay` ms after it is enqueued. */
export const delayedBenchTask = (i: number, delay: number): BenchTask => ({ ...benchTask(i), delay })
