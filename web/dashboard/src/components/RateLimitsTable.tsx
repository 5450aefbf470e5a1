import { api, type RateLimit, type WhoAmI } from '../api.js'
import { clock, duration } from '../format.js'
import { useAction } from '../hooks.js'

/** "in 4 min 10 s" from now, or "now" once it has passed (the next reload drops or updates the row). */
const fromNow = (at: number, now: number) => (at <= now ? 'now' : `in ${duration(at - now)}`)

/** Clear: admins only, as the host allows only them (DELETE /api/limits/…); a refusal is shown. */
const ClearButton = ({ limit, onDone }: { limit: RateLimit; onDone: () => void }) => {
  const { busy, error, act } = useAction(onDone)
  const clear = () => act(() => api.clearLimit(limit))
  return (
    <>
      <button type="button" class="clear-limit" disabled={busy} onClick={clear} title={limit.max === null ? 'Lift the pause' : 'Lift the limit and any pause'}>
        Clear
      </button>
      {error && <span class="error-inline">{error}</span>}
    </>
  )
}

/**
 * Rate limits and pauses in force: claims used in the current window against the limit, and
 * until when a type is paused (a handler's `ctx.rateLimited`, or a used-up window).
 */
export const RateLimitsTable = ({ limits, now, who, onDone }: { limits: ReadonlyArray<RateLimit>; now: number; who: WhoAmI; onDone: () => void }) =>
  limits.length === 0 ? (
    <p class="muted" data-testid="rate-limits">
      No rate limits (<code>livequeue limit set</code>).
    </p>
  ) : (
    <table data-testid="rate-limits">
      <thead>
        <tr>
          <th>limit</th>
          <th class="num">used / max</th>
          <th>per</th>
          <th>state</th>
          {who.role === 'admin' && <th />}
        </tr>
      </thead>
      <tbody>
        {limits.map((l) => (
          <tr key={`${l.scope}:${l.name}`} data-limit={`${l.scope}:${l.name}`}>
            <td>
              <span class="muted">{l.scope}</span> {l.name}
            </td>
            <td class="num">{l.max === null ? '—' : `${l.used} / ${l.max}`}</td>
            <td>{l.perMs === null ? '—' : duration(l.perMs)}</td>
            <td>
              {l.pausedUntil !== null ? (
                <span class="badge paused">
                  paused until {clock(l.pausedUntil)} ({fromNow(l.pausedUntil, now)})
                </span>
              ) : l.nextClaimAt !== null ? (
                <span class="badge paused">full: next claim {fromNow(l.nextClaimAt, now)}</span>
              ) : (
                <span class="badge running">open</span>
              )}
            </td>
            {who.role === 'admin' && (
              <td>
                <ClearButton limit={l} onDone={onDone} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
