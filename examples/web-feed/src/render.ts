import type { ActivityRow } from 'livequeue/schema'

const time = (ms: number) => new Date(ms).toLocaleTimeString()

/** One `<li>` per entry, newest first; `data-*` attributes let tests and styles find a task. */
export const renderFeed = (list: HTMLElement, entries: ReadonlyArray<ActivityRow>) => {
  list.replaceChildren(
    ...entries.map((e) => {
      const li = document.createElement('li')
      li.dataset.seq = String(e.seq)
      li.dataset.kind = e.kind
      if (e.taskId) li.dataset.taskId = e.taskId
      const kind = document.createElement('span')
      kind.className = 'kind'
      kind.textContent = e.kind
      li.append(`${time(e.at)} `, kind, ` ${e.type ?? ''}: ${e.summary}`)
      return li
    }),
  )
}

export const renderCounts = (list: HTMLElement, counts: ReadonlyArray<{ status: string; n: number }>) => {
  list.replaceChildren(
    ...counts.map(({ status, n }) => {
      const li = document.createElement('li')
      li.dataset.status = status
      li.textContent = `${status} ${n}`
      return li
    }),
  )
}
