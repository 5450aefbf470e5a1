/**
 * An app's own LiveStore schema (a tiny AI workspace: documents) with livequeue merged in. App
 * events and task events share one event log, one store, one history.
 */
import { Events, makeSchema, State } from '@livestore/livestore'
import { Schema } from 'effect'
import { events as queueEvents, materializers as queueMaterializers, tables as queueTables } from '../../schema/index.js'

const documents = State.SQLite.table({
  name: 'documents',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    title: State.SQLite.text(),
    text: State.SQLite.text(),
    summary: State.SQLite.text({ nullable: true }),
    createdAt: State.SQLite.integer(),
  },
})

export const appEvents = {
  documentCreated: Events.synced({
    name: 'v1.DocumentCreated',
    schema: Schema.Struct({ id: Schema.String, title: Schema.String, text: Schema.String, createdAt: Schema.Number }),
  }),
  documentSummarized: Events.synced({
    name: 'v1.DocumentSummarized',
    schema: Schema.Struct({ id: Schema.String, summary: Schema.String }),
  }),
}

const appMaterializers = State.SQLite.materializers(appEvents, {
  'v1.DocumentCreated': ({ id, title, text, createdAt }) => documents.insert({ id, title, text, createdAt, summary: null }),
  'v1.DocumentSummarized': ({ id, summary }) => documents.update({ summary }).where({ id }),
})

export const appTables = { documents }

/** The merge the README shows: app events, tables and materializers beside the queue's. */
export const schema = makeSchema({
  events: { ...appEvents, ...queueEvents },
  state: State.SQLite.makeState({
    tables: { ...appTables, ...queueTables },
    materializers: { ...appMaterializers, ...queueMaterializers },
  }),
})
