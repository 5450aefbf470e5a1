import { percent } from '../format.js'

/** A running execution's progress: a real <progress> element, so its value is what tests and screen readers read. */
export const ProgressBar = ({ fraction, message }: { fraction: number | null; message?: string | null }) => (
  <div class="progress">
    <progress max={1} value={fraction ?? undefined} data-testid="progress" />
    <span class="progress-label">
      {percent(fraction)}
      {message ? ` · ${message}` : ''}
    </span>
  </div>
)
