import * as Data from 'effect/Data'
import type { QueueApi } from '../../client/QueueApi.js'
import { RemoteQueue } from '../../client/RemoteQueue.js'
import type { Task } from '../../queue/types.js'
import { duration } from '../format.js'
import { taskSummary } from '../formatTask.js'
import { parseProgress, progressBar } from '../progressBar.js'
import { durationCheck } from '../spec/checks.js'
import { queueOptionSpecs, taskIdArg } from '../spec/common.js'
import type { TextSpec } from '../spec/types.js'
import type { QueueCommandDef } from './types.js'

/** The task ended, but not completed: exit 1 with its last error. */
export class TaskNotCompleted extends Data.TaggedError('TaskNotCompleted')<{
  readonly taskId: string
  readonly status: string
  readonly lastError: { type: string; message: string } | null
}> {
  override get message() {
    const why = this.lastError ? `: ${this.lastError.type}: ${this.lastError.message}` : ''
    return `task ${this.taskId} ${this.status === 'cancelled' ? 'was cancelled' : 'failed'}${why}`
  }
}

/** With no host, this process holds the data dir: nothing could run the task while it waited. */
export class NoHostRunning extends Data.TaggedError('NoHostRunning')<{ readonly taskId: string; readonly status: string; readonly dataDir: string }> {
  override get message() {
    return `task ${this.taskId} is ${this.status} and no host is running on ${this.dataDir} to run it; start one (\`livequeue serve --data-dir ${this.dataDir} --workers …\`) and wait again`
  }
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled'])

const options = {
  ...queueOptionSpecs,
  timeout: {
    kind: 'text',
    name: 'timeout',
    pseudoName: 'DURATION',
    description: 'Give up after this long (the task keeps running): 30s, 5m, 2h. (Default: no limit)',
    check: durationCheck('timeout'),
  } as TextSpec<number>,
}

/** On a terminal: a progress bar fed by the task's live activity (its progress entries carry the percent). */
const showProgress = async (queue: QueueApi, task: Task): Promise<() => void> => {
  const bar = progressBar(process.stderr, task.id.slice(-12))
  const running = task.executions?.at(-1)
  bar.update(running?.status === 'running' ? running.progress : null, task.status === 'pending' ? 'pending' : (running?.progressMessage ?? task.status))
  let fraction = running?.status === 'running' ? running.progress : null
  const { followActivity } = await import('../../client/follow.js')
  const stream = await followActivity(queue, { taskId: task.id }, (entry) => {
    const progress = parseProgress(entry.summary)
    if (progress) fraction = progress.fraction
    else if (entry.kind === 'started') fraction = 0
    bar.update(fraction, progress ? progress.message || entry.kind : entry.summary)
  })
  return () => {
    stream.close()
    bar.clear()
  }
}

const waitFor = async (queue: QueueApi, id: string, json: boolean, timeoutMs: number | undefined): Promise<Task> => {
  const task = await queue.get(id)
  if (TERMINAL.has(task.status)) return task
  if (!(queue instanceof RemoteQueue)) {
    throw new NoHostRunning({ taskId: id, status: task.status, dataDir: (queue as { dataDir?: string | null }).dataDir ?? '' })
  }
  const stop = process.stderr.isTTY && !json ? await showProgress(queue, task) : () => {}
  try {
    return await queue.wait(id, timeoutMs === undefined ? {} : { timeoutMs })
  } finally {
    stop()
  }
}

/** `livequeue wait <id>`: until the task is terminal; exit 0 if it completed, 1 if it failed or was cancelled (printed after the task). */
export const waitDef: QueueCommandDef<typeof options, typeof taskIdArg, Task> = {
  spec: {
    name: 'wait',
    description: 'Wait until a task completes (exit 0), fails or is cancelled (exit 1); a progress bar on a terminal.',
    options,
    args: taskIdArg,
  },
  run: (queue, c) => waitFor(queue, c.id, c.json, c.timeout),
  human: (task) => {
    const took = task.finishedAt === null ? '' : ` (${duration(task.finishedAt - task.createdAt)} after it was queued)`
    return `${task.status} ${task.id}${took}\n${taskSummary(task, Date.now())}`
  },
  failure: (task) =>
    task.status === 'completed'
      ? undefined
      : new TaskNotCompleted({
          taskId: task.id,
          status: task.status,
          lastError: task.lastError && { type: task.lastError.type, message: task.lastError.message },
        }),
}
