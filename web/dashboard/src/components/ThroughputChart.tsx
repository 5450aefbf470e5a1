import type { Throughput } from '../api.js'
import { clock } from '../format.js'

const W = 720
const H = 140
const PAD = 24

/** Completed (green) and failed (red) per minute, stacked, oldest left; plain SVG, no chart library. */
export const ThroughputChart = ({ data }: { data: Throughput }) => {
  const max = Math.max(1, ...data.buckets.map((b) => b.completed + b.failed))
  const bw = (W - PAD) / data.buckets.length
  const y = (n: number) => ((H - PAD) * n) / max
  const total = data.buckets.reduce((sum, b) => ({ completed: sum.completed + b.completed, failed: sum.failed + b.failed }), { completed: 0, failed: 0 })
  const first = data.buckets[0]
  const last = data.buckets.at(-1)
  return (
    <figure class="chart" data-testid="throughput">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${total.completed} completed and ${total.failed} failed in the last hour`}>
        <line x1={PAD} y1={H - PAD} x2={W} y2={H - PAD} class="axis" />
        <text x={PAD - 4} y={10} class="tick" text-anchor="end">
          {max}
        </text>
        <text x={PAD - 4} y={H - PAD} class="tick" text-anchor="end">
          0
        </text>
        {data.buckets.map((b, i) => {
          const x = PAD + i * bw + 1
          const hc = y(b.completed)
          const hf = y(b.failed)
          return (
            <g key={b.at}>
              <title>{`${clock(b.at)}: ${b.completed} completed, ${b.failed} failed`}</title>
              {hc > 0 && <rect x={x} y={H - PAD - hc} width={bw - 2} height={hc} class="bar-completed" />}
              {hf > 0 && <rect x={x} y={H - PAD - hc - hf} width={bw - 2} height={hf} class="bar-failed" />}
            </g>
          )
        })}
        {first && (
          <text x={PAD} y={H - 6} class="tick">
            {clock(first.at).slice(0, 5)}
          </text>
        )}
        {last && (
          <text x={W} y={H - 6} class="tick" text-anchor="end">
            now
          </text>
        )}
      </svg>
      <figcaption>
        <span class="swatch completed" /> {total.completed} completed · <span class="swatch failed" /> {total.failed} failed, per minute over the last hour
      </figcaption>
    </figure>
  )
}
