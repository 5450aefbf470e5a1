import { useEffect, useState } from 'preact/hooks'
import { type ApiError, api, type WhoAmI } from './api.js'
import { DeadLetters } from './pages/DeadLetters.js'
import { Feed } from './pages/Feed.js'
import { Overview } from './pages/Overview.js'
import { TaskPage } from './pages/TaskPage.js'
import { TokenPrompt } from './pages/TokenPrompt.js'
import { useRoute } from './route.js'
import { clearToken, getToken, setToken } from './session.js'

type Session = { state: 'checking' } | { state: 'signedIn'; who: WhoAmI } | { state: 'needsToken'; error: string | null } | { state: 'down'; error: string }

/** Asks the host who we are (GET /api/whoami) before anything else: that decides the token prompt and the buttons. */
const useSession = () => {
  const [session, setSession] = useState<Session>({ state: 'checking' })
  const check = async () => {
    try {
      setSession({ state: 'signedIn', who: await api.whoami() })
    } catch (e) {
      const error = e as ApiError
      if (error.status === 401) {
        const had = getToken() !== null
        clearToken()
        setSession({ state: 'needsToken', error: had ? error.message : null })
      } else setSession({ state: 'down', error: error.message })
    }
  }
  useEffect(() => void check(), [])
  return { session, check }
}

const NAV = [
  ['overview', '#/', 'Overview'],
  ['feed', '#/activity', 'Activity'],
  ['dead', '#/dead-letters', 'Dead letters'],
] as const

export const App = () => {
  const { session, check } = useSession()
  const route = useRoute()
  const who = session.state === 'signedIn' ? session.who : null
  return (
    <>
      <header>
        <h1>
          <a href="#/">livequeue</a>
        </h1>
        <nav>
          {NAV.map(([page, href, label]) => (
            <a key={page} href={href} class={route.page === page ? 'current' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {who && (who.tokens ? `${who.name} (${who.role})` : 'local (no tokens)')}
          {who?.tokens && (
            <button
              type="button"
              class="link"
              onClick={() => {
                clearToken()
                void check()
              }}
            >
              sign out
            </button>
          )}
        </span>
      </header>
      <main>
        {session.state === 'checking' && <p class="muted">Connecting…</p>}
        {session.state === 'down' && <p class="error-block">{session.error}</p>}
        {session.state === 'needsToken' && (
          <TokenPrompt
            error={session.error}
            onToken={(token) => {
              setToken(token)
              void check()
            }}
          />
        )}
        {who && route.page === 'overview' && <Overview who={who} />}
        {who && route.page === 'feed' && <Feed query={route.query} />}
        {who && route.page === 'task' && <TaskPage key={route.id} id={route.id} who={who} />}
        {who && route.page === 'dead' && <DeadLetters who={who} />}
      </main>
    </>
  )
}
