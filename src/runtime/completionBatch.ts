import type { RemoteQueue } from '../client/RemoteQueue.js'
import type { ReportResult } from '../queue/types.js'
import type { ReportClaims } from './backend.js'

type Pending = { executionId: string; result: unknown; runnerId: string | undefined; resolve: (r: ReportResult) => void; reject: (e: unknown) => void }

/** The host takes at most this many completions in one request. */
const MAX_BATCH = 1000

/**
 * A remote worker's completions: those reported in the same turn of the event loop go to the host
 * in one request (POST /api/completions), which it commits together. A worker's slots finish
 * together when its tasks are short, and one request per completion cost the host ~1.6 ms of CPU
 * each (@effect/platform) plus, often, a commit of its own. A lone completion uses the single
 * route. When the host refuses the batch as a whole (one without the route, a body over its size
 * limit), each completion is sent on its own, so the answer per execution stays what it would be.
 * `send` wraps each request (the backend retries while the host is unreachable).
 *
 * With `claims` (the claim loop's), each batch also carries a claim for the slots it frees, and
 * the host commits the completions and that claim together: one request and one commit per
 * round of a busy worker instead of two of each.
 */
export const completionBatcher = (client: Pick<RemoteQueue, 'complete' | 'completeAndClaim'>, send: <T>(request: () => Promise<T>) => Promise<T>) => {
  let open: Pending[] | null = null
  let claims: ReportClaims | null = null

  const one = (c: Pending) => send(() => client.complete(c.executionId, c.result, { runnerId: c.runnerId })).then(c.resolve, c.reject)

  const flush = async (batch: Pending[]) => {
    const claim = claims?.claim() ?? null
    if (batch.length === 1 && claim === null) return one(batch[0] as Pending)
    let results: Array<ReportResult | Error>
    try {
      const items = batch.map(({ executionId, result, runnerId }) => ({ executionId, result, runnerId }))
      const answer = await send(() => client.completeAndClaim(items, claim ?? undefined))
      results = answer.results
      if (answer.claims.length > 0) claims?.claimed(answer.claims)
    } catch {
      for (const c of batch) void one(c)
      return
    }
    batch.forEach((c, i) => {
      const r = results[i]
      if (r === undefined) c.reject(new Error(`the host answered ${results.length} completions for ${batch.length}`))
      else if (r instanceof Error) c.reject(r)
      else c.resolve(r)
    })
  }

  const complete = (executionId: string, result: unknown, by: { runnerId?: string | undefined } = {}): Promise<ReportResult> =>
    new Promise((resolve, reject) => {
      if (open === null || open.length >= MAX_BATCH) {
        const batch: Pending[] = []
        open = batch
        setImmediate(() => {
          if (open === batch) open = null
          void flush(batch)
        })
      }
      open.push({ executionId, result, runnerId: by.runnerId, resolve, reject })
    })
  return Object.assign(complete, {
    /** The claim loop lends its claims to the batches (see above). */
    lendClaims(with_: ReportClaims): void {
      claims = with_
    },
  })
}
