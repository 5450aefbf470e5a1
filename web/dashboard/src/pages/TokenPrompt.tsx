import { useState } from 'preact/hooks'

/** Asked when the host wants a token: it is kept for this browser tab only (sessionStorage). */
export const TokenPrompt = ({ error, onToken }: { error: string | null; onToken: (token: string) => void }) => {
  const [value, setValue] = useState('')
  return (
    <form
      class="token-prompt"
      data-testid="token-prompt"
      onSubmit={(e) => {
        e.preventDefault()
        if (value.trim()) onToken(value.trim())
      }}
    >
      <h2>This host needs a token</h2>
      <p class="muted">
        Ask its operator for one (<code>livequeue token create --role viewer --name you</code>). It stays in this tab only.
      </p>
      <input type="password" name="token" placeholder="lq_…" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Open the dashboard</button>
      {error && <p class="error-inline">{error}</p>}
    </form>
  )
}
