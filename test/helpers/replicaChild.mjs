// A read replica in a real child process, as an app would run one. Usage:
//   node replicaChild.mjs <syncUrl> [storeId]
// Prints "ready", then answers one JSON line per JSON request line on stdin:
//   {"id":1,"call":"list","args":[]}            → {"id":1,"value":…} or {"id":1,"error":{"_tag","message"}}
//   {"id":2,"seen":"<taskId>"} → {"id":2,"value":{"seenAt":<ms epoch>}}: when the task first reached the replica
//   {"id":3,"seen":"<taskId>","status":"cancelled"} → the same, once the replica has it in that status
//   {"id":4,"state":true} → {"id":4,"value":{"storeId","seqs":[…],"epochs":[…]}}: the store it reads now,
//     every activity seq its followActivity({ since: 0 }) handed over, in order, and its onEpoch calls
import * as readline from 'node:readline'
import { queries } from '../../dist/schema/index.js'
import { openReplica } from '../../dist/src/index.js'

const [syncUrl, storeId] = process.argv.slice(2)
const replica = await openReplica({ syncUrl, ...(storeId ? { storeId } : {}) })
// When each task first reached this replica (its first activity entry), for the lag measure:
// recorded as it arrives, so asking later does not add the question's own delay.
const firstSeen = new Map()
const seqs = []
replica.followActivity({ since: 0 }, (entry) => {
  seqs.push(entry.seq)
  if (entry.taskId && !firstSeen.has(entry.taskId)) firstSeen.set(entry.taskId, Date.now())
})
const epochs = []
replica.onEpoch((info) => epochs.push({ ...info, switchedAt: Date.now() }))
const reply = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`)
const fail = (id, error) => reply({ id, error: { _tag: error?._tag ?? 'Error', message: String(error?.message ?? error) } })

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line)
  if (req.state) return reply({ id: req.id, value: { storeId: replica.storeId, seqs, epochs } })
  if (req.seen && !req.status && firstSeen.has(req.seen)) return reply({ id: req.id, value: { seenAt: firstSeen.get(req.seen) } })
  if (req.seen) {
    let unsubscribe = null
    let done = false
    unsubscribe = replica.subscribe(queries.taskState$(req.seen), (rows) => {
      if (done || rows.length === 0 || (req.status && rows[0].status !== req.status)) return
      done = true
      const seenAt = (!req.status && firstSeen.get(req.seen)) || Date.now()
      queueMicrotask(() => unsubscribe?.())
      reply({ id: req.id, value: { seenAt } })
    })
    return
  }
  if (req.call === 'close') {
    replica.close().then(() => {
      reply({ id: req.id, value: null })
      process.exit(0)
    })
    return
  }
  Promise.resolve()
    .then(() => {
      // "schedules.set" → replica.schedules.set(...)
      const path = req.call.split('.')
      const owner = path.slice(0, -1).reduce((o, k) => o[k], replica)
      return owner[path.at(-1)](...(req.args ?? []))
    })
    .then(
      (value) => reply({ id: req.id, value }),
      (error) => fail(req.id, error),
    )
})
process.stdout.write('ready\n')
