/** What a benchmark worker reports: a handler started, a task completed. */
export type WorkerEvents = { onStart(): void; onDone(): void }

/** A running worker with a no-op handler; both subjects provide one. */
export type BenchWorker = { stop(): Promise<void> }

export type StartWorker = (concurrency: number, events: WorkerEvents) => Promise<BenchWorker>
