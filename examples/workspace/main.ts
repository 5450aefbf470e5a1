/**
 * Runnable: `node dist/examples/workspace/main.js [dataDir]`. An app opens its own store (app
 * schema + queue), creates documents as app events, and queues a `summarize` task for each; a
 * worker in the same process (the store's single writer) summarizes them and records the result
 * as an app event. Prints the one activity stream and the documents.
 */
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise } from '@livestore/livestore'
import { createWorker, openQueue } from '../../src/index.js'
import { appEvents, schema } from './schema.js'

export const runWorkspace = async (dataDir: string, documents: Array<{ title: string; text: string }>) => {
  const store = await createStorePromise({
    schema,
    storeId: 'workspace',
    adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: dataDir } }),
    disableDevtools: true,
  })
  const queue = await openQueue({ store })
  const worker = createWorker({
    queue,
    concurrency: 2,
    handlers: {
      summarize: async (task) => {
        const { documentId, text } = task.payload as { documentId: string; text: string }
        const summary = `${text.split(/[.!?]/)[0]?.trim() ?? ''}.`
        // An app event from inside a handler: the app's history and the queue's, interleaved.
        store.commit(appEvents.documentSummarized({ id: documentId, summary }))
        return { summary }
      },
    },
  })
  await worker.start()
  const tasks = []
  for (const [i, doc] of documents.entries()) {
    const id = `doc-${i + 1}`
    store.commit(appEvents.documentCreated({ id, title: doc.title, text: doc.text, createdAt: queue.now() }))
    tasks.push(await queue.enqueue({ type: 'summarize', payload: { documentId: id, text: doc.text }, idempotencyKey: `summarize:${id}` }))
  }
  for (const t of tasks) await queue.wait(t.id)
  await worker.stop()
  return {
    store,
    queue,
    close: async () => {
      await queue.close() // flushes the queue's writes; the app owns the store
      await store.shutdownPromise()
    },
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`
if (isMain) {
  const { store, queue, close } = await runWorkspace(process.argv[2] ?? './.workspace', [
    { title: 'Event sourcing', text: 'Every change is an event. State is a fold over the events.' },
    { title: 'LiveStore', text: 'LiveStore materializes events into SQLite. Queries stay live.' },
  ])
  for (const a of await queue.activity({ limit: 20 })) console.log(`${a.kind.padEnd(10)} ${a.type ?? ''} ${a.summary}`)
  console.log(store.query({ query: 'SELECT id, title, summary FROM documents ORDER BY id', bindValues: {} }))
  await close()
}
