import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from '@effect/platform'
import { Schema } from 'effect'
import { packageVersion } from '../cli/version.js'
import { RateLimit, RateLimitScope } from '../rateLimits/types.js'
import { QUERY_RESULT_BYTE_LIMIT, QUERY_ROW_LIMIT, QUERY_TIMEOUT_MS } from '../query/limits.js'
import { AdminAccess, ProduceAccess, ReadAccess, WorkAccess } from './auth.js'
import * as E from './errors.js'
import * as In from './inputs.js'
import { finishSpec } from './openapi.js'
import * as S from './schemas.js'

/**
 * The HTTP API of docs/http-api.md, declared once: the server's routes, request decoding and
 * the OpenAPI document (/api/openapi.json, browsable at /api/docs) all come from this. Each group
 * is one route family with the middleware that admits its roles.
 */

const id = HttpApiSchema.param('id', Schema.String)

const name = HttpApiSchema.param('name', Schema.String)
const scope = HttpApiSchema.param('scope', RateLimitScope)
const text = (contentType: string, description: string) =>
  Schema.String.pipe(HttpApiSchema.withEncoding({ kind: 'Text', contentType })).annotations({ description })

export const reads = HttpApiGroup.make('reads')
  .add(HttpApiEndpoint.get('listTasks', '/api/tasks').setUrlParams(In.ListParams).addSuccess(S.TaskPage))
  .add(HttpApiEndpoint.get('getTask')`/api/tasks/${id}`.addSuccess(S.Task).addError(E.NotFound))
  .add(
    HttpApiEndpoint.get('waitTask')`/api/tasks/${id}/wait`
      .setUrlParams(In.WaitParams)
      .addSuccess(S.Task)
      .addError(E.NotFound)
      .addError(E.RequestTimeout)
      .annotate(OpenApi.Description, 'Answers once the task is completed, failed or cancelled (timeoutMs: default 30000, max 300000).'),
  )
  .add(
    HttpApiEndpoint.get('taskLogs')`/api/tasks/${id}/logs`
      .setUrlParams(In.LogsParams)
      .addSuccess(S.TaskLogs)
      .addError(E.NotFound)
      .annotate(
        OpenApi.Description,
        "The task's kept ctx.log lines after the cursor `after`, oldest first (limit: default 1000). With waitMs (max 300000), an answer with no line waits until one is kept or the task finishes (a live query, not a poll). Follow with after = cursor until finished.",
      ),
  )
  .add(HttpApiEndpoint.get('stats', '/api/stats').addSuccess(S.Stats))
  .add(
    HttpApiEndpoint.get('activity', '/api/activity')
      .setUrlParams(In.ActivityParams)
      .addSuccess(Schema.Struct({ items: Schema.Array(S.ActivityEntry) })),
  )
  .add(
    HttpApiEndpoint.get('activityStream', '/api/activity/stream')
      .setUrlParams(In.StreamParams)
      .setHeaders(Schema.Struct({ 'last-event-id': Schema.optional(Schema.String) }))
      .addSuccess(
        text(
          'text/event-stream',
          'Server-Sent Events: `id: <seq>`, `event: activity`, `data: <ActivityEntry JSON>`; resumes after Last-Event-ID (or since) with no gap and no duplicate; `: keepalive` every 15 s.',
        ),
      ),
  )
  .add(
    HttpApiEndpoint.get('throughput', '/api/throughput')
      .setUrlParams(In.ThroughputParams)
      .addSuccess(S.Throughput)
      .annotate(OpenApi.Description, 'Completed and failed executions per minute over the last `minutes` (default 60, max 1440), oldest first.'),
  )
  .add(
    HttpApiEndpoint.get('whoami', '/api/whoami')
      .addSuccess(S.WhoAmI)
      .annotate(OpenApi.Description, "The caller's token name and role (the dashboard shows only the buttons the role may use)."),
  )
  .add(HttpApiEndpoint.get('runners', '/api/runners').addSuccess(Schema.Struct({ items: Schema.Array(S.Runner) })))
  .add(HttpApiEndpoint.get('listSchedules', '/api/schedules').addSuccess(Schema.Struct({ items: Schema.Array(S.Schedule) })))
  .add(HttpApiEndpoint.get('getSchedule')`/api/schedules/${name}`.addSuccess(S.Schedule).addError(E.NotFound))
  .add(
    HttpApiEndpoint.get('listLimits', '/api/limits')
      .addSuccess(Schema.Struct({ items: Schema.Array(RateLimit) }))
      .annotate(OpenApi.Description, 'Every rate limit and ctx.rateLimited pause in force, with its use of the current window.'),
  )
  .add(
    HttpApiEndpoint.post('query', '/api/query')
      .setPayload(In.QueryInput)
      .addSuccess(Schema.Struct({ rows: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), truncated: Schema.Boolean }))
      .addError(E.PayloadTooLarge)
      .addError(E.RequestTimeout)
      .annotate(
        OpenApi.Description,
        `One read-only SELECT (or WITH … SELECT) over the state tables, run in a worker thread on a read-only copy of the state database. At most ${QUERY_ROW_LIMIT} rows (more: truncated: true). 400 ValidationError: not one read-only SELECT, or SQLite refused it. 408 QueryTimedOut: it ran past the ${QUERY_TIMEOUT_MS} ms limit and was stopped. 413 ValidationError: the result over the ${QUERY_RESULT_BYTE_LIMIT}-byte cap (as JSON), or a string or blob, or the query's memory, over its cap (the message says which and how much).`,
      ),
  )
  .addError(E.BadRequest)
  .middleware(ReadAccess)

export const produce = HttpApiGroup.make('produce')
  .add(
    HttpApiEndpoint.post('enqueue', '/api/tasks')
      .setPayload(In.EnqueueInput)
      .addSuccess(S.Task, { status: 201 })
      .addSuccess(S.Task.annotations({ identifier: 'DeduplicatedTask', description: 'the existing task with this idempotencyKey, deduplicated: true' }))
      .addError(E.PayloadTooLarge)
      .addError(E.Unprocessable),
  )
  .add(
    HttpApiEndpoint.post('enqueueBatch', '/api/tasks/batch')
      .setPayload(In.EnqueueBatch)
      .addSuccess(S.TaskList, { status: 201 })
      .addError(E.PayloadTooLarge)
      .addError(E.Unprocessable),
  )
  .add(HttpApiEndpoint.post('cancel')`/api/tasks/${id}/cancel`.addSuccess(S.Task).addError(E.NotFound).addError(E.Conflict))
  .add(HttpApiEndpoint.post('retry')`/api/tasks/${id}/retry`.addSuccess(S.Task).addError(E.NotFound).addError(E.Conflict))
  .addError(E.BadRequest)
  .middleware(ProduceAccess)

export const admin = HttpApiGroup.make('admin')
  .add(
    HttpApiEndpoint.post('prune', '/api/prune')
      .setPayload(In.PruneInput)
      .addSuccess(Schema.Struct({ pruned: Schema.Number, olderThan: Schema.Number })),
  )
  .add(HttpApiEndpoint.post('pause')`/api/queues/${name}/pause`.addSuccess(Schema.Struct({ queue: Schema.String, paused: Schema.Boolean })))
  .add(HttpApiEndpoint.post('resume')`/api/queues/${name}/resume`.addSuccess(Schema.Struct({ queue: Schema.String, paused: Schema.Boolean })))
  .add(HttpApiEndpoint.post('requeueStuck', '/api/requeue-stuck').addSuccess(Schema.Struct({ taskIds: Schema.Array(Schema.String) })))
  .add(HttpApiEndpoint.put('setSchedule')`/api/schedules/${name}`.setPayload(In.ScheduleInput).addSuccess(S.Schedule))
  .add(
    HttpApiEndpoint.del('removeSchedule')`/api/schedules/${name}`
      .addSuccess(Schema.Struct({ name: Schema.String, removed: Schema.Literal(true) }))
      .addError(E.NotFound),
  )
  .add(
    HttpApiEndpoint.put('setLimit')`/api/limits/${scope}/${name}`
      .setPayload(In.RateLimitInput)
      .addSuccess(RateLimit)
      .annotate(
        OpenApi.Description,
        'At most `max` claims of tasks of this type (scope `type`) or in this queue (scope `queue`) per `perMs`, across all workers; replaces the previous limit, keeps a pause in force.',
      ),
  )
  .add(
    HttpApiEndpoint.del('clearLimit')`/api/limits/${scope}/${name}`
      .addSuccess(Schema.Struct({ scope: RateLimitScope, name: Schema.String, cleared: Schema.Literal(true) }))
      .annotate(OpenApi.Description, 'Lifts the limit and any ctx.rateLimited pause. Idempotent.'),
  )
  .add(HttpApiEndpoint.post('pauseSchedule')`/api/schedules/${name}/pause`.addSuccess(S.Schedule).addError(E.NotFound))
  .add(HttpApiEndpoint.post('resumeSchedule')`/api/schedules/${name}/resume`.addSuccess(S.Schedule).addError(E.NotFound))
  .addError(E.BadRequest)
  .middleware(AdminAccess)

export const work = HttpApiGroup.make('work')
  .add(
    HttpApiEndpoint.post('claim', '/api/claims')
      .setPayload(In.ClaimInput)
      .addSuccess(Schema.Struct({ claims: Schema.Array(S.Claim) }))
      .annotate(
        OpenApi.Description,
        'Claims eligible tasks. With waitMs, waits for work when none is eligible and answers the moment some is (driven by a live query, not a poll); { claims: [] } on timeout.',
      ),
  )
  .add(
    HttpApiEndpoint.post('heartbeat')`/api/executions/${id}/heartbeat`
      .setPayload(In.HeartbeatInput)
      .addSuccess(S.ReportResult)
      .addError(E.NotFound)
      .addError(E.Conflict),
  )
  .add(
    HttpApiEndpoint.post('progress')`/api/executions/${id}/progress`
      .setPayload(In.ProgressInput)
      .addSuccess(S.ReportResult)
      .addError(E.NotFound)
      .addError(E.Conflict),
  )
  .add(
    HttpApiEndpoint.post('complete')`/api/executions/${id}/complete`
      .setPayload(In.CompleteInput)
      .addSuccess(S.ReportResult)
      .addError(E.NotFound)
      .addError(E.Conflict)
      .addError(E.PayloadTooLarge),
  )
  .add(
    HttpApiEndpoint.post('completeMany', '/api/completions')
      .setPayload(In.CompletionsInput)
      .addSuccess(
        Schema.Struct({
          results: Schema.Array(Schema.Union(S.ReportResult, Schema.Struct({ error: E.ErrorDetail }))),
          claims: Schema.optional(Schema.Array(S.Claim)),
        }),
      )
      .annotate(
        OpenApi.Description,
        'Completes several executions in one request and one commit (a remote worker sends the completions of one turn together). Each result is the ReportResult that POST /api/executions/{id}/complete would answer, or { error } with the error that route would answer; one refused completion does not stop the others. With `claim`, the same commit also claims up to `claim.limit` tasks for the slots the completions free (tasks those completions unblock included), answered as `claims`; it never waits.',
      ),
  )
  .add(HttpApiEndpoint.post('fail')`/api/executions/${id}/fail`.setPayload(In.FailInput).addSuccess(S.FailResult).addError(E.NotFound).addError(E.Conflict))
  .add(
    HttpApiEndpoint.post('appendLogs', '/api/logs')
      .setPayload(In.LogsInput)
      .addSuccess(S.AppendLogsResult)
      .addError(E.Conflict)
      .addError(E.PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "A worker's buffered ctx.log lines, of any of its executions, kept in one event. Every line must be of an execution this runnerId claimed (409 NotClaimant otherwise, and nothing is kept); lines of executions the host does not hold are ignored. Safe to repeat: a line is kept once per (executionId, seq).",
      ),
  )
  .add(
    HttpApiEndpoint.post('saveCheckpoint')`/api/executions/${id}/checkpoint`
      .setPayload(In.CheckpointInput)
      .addSuccess(S.ReportResult)
      .addError(E.NotFound)
      .addError(E.Conflict)
      .addError(E.PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "Persists the task's checkpoint (any JSON, at most 256 KiB); its next attempt's claim carries it. accepted: false when the execution no longer holds the task (nothing kept).",
      ),
  )
  .add(HttpApiEndpoint.post('cancelled')`/api/executions/${id}/cancelled`.addSuccess(S.Ok).addError(E.NotFound))
  .add(HttpApiEndpoint.post('escalate')`/api/tasks/${id}/escalate`.setPayload(In.EscalateInput).addSuccess(S.Task).addError(E.NotFound))
  .add(HttpApiEndpoint.post('runnerStarted', '/api/runners').setPayload(In.RunnerInput).addSuccess(S.Ok))
  .add(HttpApiEndpoint.post('runnerHeartbeat')`/api/runners/${id}/heartbeat`.addSuccess(S.Ok))
  .add(HttpApiEndpoint.post('runnerStopped')`/api/runners/${id}/stopped`.addSuccess(S.Ok))
  .add(HttpApiEndpoint.post('runnerBreaker')`/api/runners/${id}/breakers`.setPayload(In.BreakerInput).addSuccess(S.Ok))
  .addError(E.BadRequest)
  .middleware(WorkAccess)

export const metrics = HttpApiGroup.make('metrics')
  .add(HttpApiEndpoint.get('metrics', '/metrics').addSuccess(text('text/plain; version=0.0.4', 'Prometheus text exposition')))
  .middleware(ReadAccess)

export const system = HttpApiGroup.make('system')
  .add(HttpApiEndpoint.get('healthz', '/healthz').addSuccess(Schema.Struct({ ok: Schema.Literal(true) })))
  .add(
    HttpApiEndpoint.get('readyz', '/readyz')
      .addSuccess(Schema.Struct({ ready: Schema.Literal(true) }))
      .addError(E.Unavailable)
      .annotate(OpenApi.Description, '503 while the host is starting or stopping.'),
  )

export class Api extends HttpApi.make('livequeue')
  .add(reads)
  .add(produce)
  .add(admin)
  .add(work)
  .add(metrics)
  .add(system)
  .addError(E.Unavailable)
  .annotateContext(
    OpenApi.annotations({
      title: 'livequeue',
      version: packageVersion(),
      description: 'An event-sourced task queue on LiveStore. Every write answers only after its events are persisted.',
      transform: finishSpec,
    }),
  ) {}
