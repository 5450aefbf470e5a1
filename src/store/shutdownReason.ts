/**
 * LiveStore's reason for shutting a store down, in one line a person can act on. Its cause is a
 * multi-kilobyte dump (nested `UnknownError`s around a `SqliteError` with the statement's SQL);
 * what matters in it is the event it could not apply and SQLite's own message, e.g.
 * "could not apply v1.TaskQueued: cannot store REAL value in INTEGER column workerTasks.processAfter".
 */
const SQLITE_MESSAGE =
  /(cannot store [A-Z]+ value in [A-Z]+ column [\w.]+|malformed JSON|disk I\/O error|database or disk is full|database disk image is malformed|[\w ]+ constraint failed(?:: [\w.]+)?|no such (?:table|column): [\w.]+)/

export const describeShutdown = (pretty: string): string => {
  const event = /\bv\d+\.[A-Za-z]+/.exec(pretty)?.[0]
  const sqlite = SQLITE_MESSAGE.exec(pretty)?.[0]
  if (event || sqlite) return `LiveStore could not apply ${event ?? 'an event'}${sqlite ? `: ${sqlite}` : ''}`
  return `LiveStore shut the store down: ${pretty.split('\n')[0]?.slice(0, 300) ?? 'no reason given'}`
}
