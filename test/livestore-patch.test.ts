import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { liveStoreVersion, SyncState } from '@livestore/common'
import { LiveStoreEvent } from '@livestore/common/schema'
import { getCurrentVersion } from 'effect/ModuleVersion'
import { describe, expect, it } from 'vitest'
import { openQueue } from '../src/index.js'
import { applyLiveStorePatch, isPatched, liveStorePatchState, patchCounters, patchRefusal } from '../src/store/livestorePatch.js'
import { tempDir } from './helpers/queue.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const seq = (global: number, client = 0) => ({ global, client, rebaseGeneration: 0 }) as never
const event = (global: number) =>
  new LiveStoreEvent.Client.EncodedWithMeta({
    name: 'v1.Example',
    args: { n: global },
    seqNum: seq(global),
    parentSeqNum: seq(global - 1),
    clientId: 'c',
    sessionId: 's',
  })

type Ctor = abstract new (...args: never[]) => object
/** What Effect's own constructor (the class below the patch) makes of `props`: the reference behaviour. */
const unpatched = (target: Ctor, props: object): unknown => {
  const effectBase = Object.getPrototypeOf(Object.getPrototypeOf(target)) as Ctor
  return Reflect.construct(effectBase, [props], target)
}
const thrown = (fn: () => unknown): string => {
  try {
    fn()
  } catch (error) {
    return String(error)
  }
  throw new Error('expected a refusal')
}
/** The data fields only (class-field functions like `toJSON` are set after the base constructor). */
const data = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(data)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => typeof v !== 'function')
      .map(([k, v]) => [k, data(v)]),
  )
}

describe('LiveStore sync-state validators compiled once (src/store/livestorePatch.ts)', () => {
  it('applies to @livestore/common 0.4.0 with effect 3.21: every target goes through the compiled validator', () => {
    // If LiveStore or Effect is upgraded, this fails: re-read their constructors, then move the pins.
    expect(liveStoreVersion).toBe('0.4.0')
    expect(getCurrentVersion()).toMatch(/^3\.21\./)
    const state = applyLiveStorePatch()
    expect(state).toEqual({
      applied: true,
      classes: [
        'EncodedWithMeta',
        'SyncState',
        'MergeContext',
        'MergeResultAdvance',
        'MergeResultRebase',
        'MergeResultReject',
        'PayloadLocalPush',
        'PayloadUpstreamAdvance',
        'PayloadUpstreamRebase',
      ],
    })
    for (const target of [
      LiveStoreEvent.Client.EncodedWithMeta,
      SyncState.SyncState,
      SyncState.MergeContext,
      SyncState.MergeResultAdvance,
      SyncState.MergeResultRebase,
      SyncState.MergeResultReject,
      SyncState.PayloadLocalPush,
      SyncState.PayloadUpstreamAdvance,
      SyncState.PayloadUpstreamRebase,
    ]) {
      expect(isPatched(target), target.name).toBe(true)
    }
    expect(applyLiveStorePatch()).toBe(state)
  })

  it('a real fs store builds its sync states through the patch, and its writes read back', async () => {
    const queue = await openQueue({ dataDir: tempDir() })
    try {
      expect(liveStorePatchState()?.applied).toBe(true)
      const before = patchCounters.constructions
      const task = await queue.enqueue({ type: 'patched', payload: { n: 1 } })
      const [claim] = await queue.claim({ runnerId: 'r', limit: 1 })
      await queue.complete(claim!.executionId, { ok: true })
      await queue.owned.group.drain()
      // Each commit builds at least an event, a merge context, a merge result and a sync state
      // in the session and again in the leader.
      expect(patchCounters.constructions - before).toBeGreaterThanOrEqual(3 * 8)
      const done = await queue.get(task.id)
      expect(done.status).toBe('completed')
      expect(done.result).toEqual({ ok: true })
    } finally {
      await queue.close()
    }
  })

  it('the leader in a worker thread (which patches its own copy) persists what the queue acknowledged', async () => {
    const dataDir = tempDir()
    const queue = await openQueue({ dataDir, leaderThread: true })
    const task = await queue.enqueue({ type: 'patched', payload: { n: 2 } })
    const [claim] = await queue.claim({ runnerId: 'r', limit: 1 })
    await queue.complete(claim!.executionId, { ok: 2 })
    await queue.close()
    const reopened = await openQueue({ dataDir })
    try {
      expect(await reopened.get(task.id)).toMatchObject({ status: 'completed', result: { ok: 2 } })
    } finally {
      await reopened.close()
    }
  })

  it('builds the same objects as Effect own constructors, copies included', () => {
    applyLiveStorePatch()
    const pending = [event(2), event(3)]
    const props = { pending, upstreamHead: seq(1), localHead: seq(3) }
    const patched = new SyncState.SyncState(props)
    expect(data(patched)).toEqual(data(unpatched(SyncState.SyncState, props)))
    expect(patched.pending).toEqual(pending)
    expect(patched.pending).not.toBe(pending) // validation copies arrays, as Effect's does
    expect(patched.pending[0]).toBe(pending[0]) // and keeps class instances
    expect(patched).toBeInstanceOf(SyncState.SyncState)
    expect(patched.toJSON().localHead).toBe('e3')

    // Defaults are filled in as Effect fills them (`meta` has a constructor default).
    const plain = {
      name: 'v1.Example',
      args: { n: 1 },
      seqNum: seq(1),
      parentSeqNum: seq(0),
      clientId: 'c',
      sessionId: 's',
    }
    const withMeta = new LiveStoreEvent.Client.EncodedWithMeta(plain)
    expect(withMeta.meta.sessionChangeset).toEqual({ _tag: 'unset' })
    expect(data(withMeta)).toEqual(data(unpatched(LiveStoreEvent.Client.EncodedWithMeta, plain)))
    expect(withMeta.rebase({ parentSeqNum: seq(4), isClient: false, rebaseGeneration: 1 }).seqNum).toEqual({
      global: 5,
      client: 0,
      rebaseGeneration: 1,
    })

    const payload = SyncState.PayloadLocalPush.make({ newEvents: pending })
    expect(payload).toEqual({ _tag: 'local-push', newEvents: pending })
    expect(payload.newEvents).not.toBe(pending)
    const context = SyncState.MergeContext.make({ payload, syncState: patched })
    const advance = SyncState.MergeResultAdvance.make({
      _tag: 'advance',
      newSyncState: patched,
      newEvents: pending,
      confirmedEvents: [],
      mergeContext: context,
    })
    expect(advance.newSyncState).toBe(patched)
    expect(advance.toJSON().mergeContext.syncState.upstreamHead).toBe('e1')
  })

  it('still refuses what Effect refuses, with the same message', () => {
    applyLiveStorePatch()
    const badHead = { pending: [], upstreamHead: { global: 'one', client: 0, rebaseGeneration: 0 }, localHead: seq(1) }
    const message = thrown(() => new SyncState.SyncState(badHead as never))
    expect(message).toContain('SyncState (Constructor)')
    expect(message).toBe(thrown(() => unpatched(SyncState.SyncState, badHead)))

    const notAnEvent = { pending: [{ name: 'v1.Example' }], upstreamHead: seq(0), localHead: seq(1) }
    expect(thrown(() => new SyncState.SyncState(notAnEvent as never))).toBe(thrown(() => unpatched(SyncState.SyncState, notAnEvent)))

    const badEvent = { name: 7, args: null, seqNum: seq(1), parentSeqNum: seq(0), clientId: 'c', sessionId: 's' }
    expect(thrown(() => new LiveStoreEvent.Client.EncodedWithMeta(badEvent as never))).toBe(
      thrown(() => unpatched(LiveStoreEvent.Client.EncodedWithMeta, badEvent)),
    )
    expect(() => SyncState.PayloadUpstreamAdvance.make({ newEvents: [{ name: 'x' }] } as never)).toThrow(/EncodedWithMeta/)
    // As with Effect, `true` as the second argument skips validation.
    expect(() => new SyncState.SyncState(badHead as never, true)).not.toThrow()
  })

  it('leaves other versions alone and can be turned off', () => {
    const ok = { liveStore: '0.4.0', effect: '3.21.2', switch: undefined }
    expect(patchRefusal(ok)).toBeNull()
    expect(patchRefusal({ ...ok, liveStore: '0.4.1' })).toMatch(/@livestore\/common is 0.4.1/)
    expect(patchRefusal({ ...ok, effect: '3.22.0' })).toMatch(/effect is 3.22.0/)
    expect(patchRefusal({ ...ok, switch: '0' })).toMatch(/LIVEQUEUE_LIVESTORE_PATCH=0/)
  })

  it('LIVEQUEUE_LIVESTORE_PATCH=0 keeps LiveStore as it is (built code, a fresh process)', () => {
    const script = `
      const { applyLiveStorePatch, isPatched } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/store/livestorePatch.js'))})
      const { SyncState } = await import('@livestore/common')
      const state = applyLiveStorePatch()
      console.log(JSON.stringify({ state, patched: isPatched(SyncState.SyncState) }))`
    const run = (value: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: ROOT,
          env: { ...process.env, LIVEQUEUE_LIVESTORE_PATCH: value },
          encoding: 'utf8',
        }),
      )
    expect(run('0')).toEqual({ state: { applied: false, reason: 'turned off by LIVEQUEUE_LIVESTORE_PATCH=0' }, patched: false })
    expect(run('1')).toMatchObject({ state: { applied: true }, patched: true })
  })
})
