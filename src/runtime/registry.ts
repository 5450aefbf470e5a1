import * as os from 'node:os'
import type { WorkerBackend } from './backend.js'

/** A runner id that says where the worker runs: `${hostname}:${pid}:${6 random chars}`. */
export const defaultRunnerId = (): string => `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`

/** How often the registry hears from a live runner. (Default: 60 s: events are kept forever.) */
export const DEFAULT_RUNNER_HEARTBEAT_MS = 60_000

/**
 * The worker's entry in the runner registry (`runners` table): RunnerStarted on start,
 * RunnerHeartbeat infrequently (not per task: events are kept forever and go to every replica),
 * RunnerStopped on stop. Each resolves once persisted.
 */
export class RunnerRegistration {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly backend: Pick<WorkerBackend, 'runnerStarted' | 'runnerHeartbeat' | 'runnerStopped'>,
    private readonly runnerId: string,
    private readonly heartbeatMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  async started(info: { types: ReadonlyArray<string>; concurrency: number }): Promise<void> {
    await this.backend.runnerStarted({ runnerId: this.runnerId, types: info.types, concurrency: info.concurrency })
    this.timer = setInterval(() => {
      this.backend.runnerHeartbeat(this.runnerId).catch(this.onError)
    }, this.heartbeatMs)
    // The registry heartbeat alone must not keep a process alive.
    this.timer.unref()
  }

  async stopped(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.backend.runnerStopped(this.runnerId)
  }
}
