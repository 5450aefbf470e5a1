import { useEffect, useState } from 'preact/hooks'

/**
 * Hash routes (`#/tasks/ID`): the host serves one page at `/`, so every view is addressable
 * and reloadable without the server knowing the dashboard's routes.
 */
export type Route = { page: 'overview' } | { page: 'feed'; query: URLSearchParams } | { page: 'task'; id: string } | { page: 'dead' }

export const parseRoute = (hash: string): Route => {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?')
  const parts = path.split('/').filter(Boolean)
  if (parts[0] === 'activity') return { page: 'feed', query: new URLSearchParams(search) }
  if (parts[0] === 'tasks' && parts[1]) return { page: 'task', id: decodeURIComponent(parts[1]) }
  if (parts[0] === 'dead-letters') return { page: 'dead' }
  return { page: 'overview' }
}

export const taskHref = (id: string) => `#/tasks/${encodeURIComponent(id)}`

export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}
