import { describe, expect, it } from 'vitest'
import { nextSlot, openQueue, Scheduler, slotsBetween, type TaskQueue } from '../src/index.js'
import { expectRefused, manualClock, memoryQueue, tempDir, until } from './helpers/queue.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const at = (text: string) => new Date(text).getTime()

describe('slots', () => {
  it('follow the cron expression in its time zone', () => {
    const berlin = { cron: '0 3 * * *', timeZone: 'Europe/Berlin' }
    expect(iso(nextSlot(berlin, at('2026-01-10T12:00:00Z')))).toBe('2026-01-11T02:00:00.000Z') // CET, UTC+1
    expect(iso(nextSlot(berlin, at('2026-07-10T12:00:00Z')))).toBe('2026-07-11T01:00:00.000Z') // CEST, UTC+2
    expect(iso(nextSlot({ cron: '0 3 * * *', timeZone: 'America/New_York' }, at('2026-01-10T12:00:00Z')))).toBe('2026-01-11T08:00:00.000Z')
    expect(iso(nextSlot({ cron: '0 3 * * *', timeZone: null }, at('2026-01-10T12:00:00Z')))).toBe('2026-01-11T03:00:00.000Z')
  })

  it('take DST changes: a skipped local time fires once, a repeated one fires once', () => {
    const half = { cron: '30 2 * * *', timeZone: 'Europe/Berlin' }
    // 2026-03-29 02:00 → 03:00 local: 02:30 does not exist; the slot moves forward an hour, once.
    const spring = slotsBetween(half, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))
    expect(spring.count).toBe(2)
    expect(iso(nextSlot(half, at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:30:00.000Z')
    // 2026-10-25 03:00 → 02:00 local: 02:30 happens twice; it fires for the first only.
    const autumn = slotsBetween(half, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))
    expect(autumn).toEqual({ count: 1, latest: at('2026-10-25T00:30:00Z') })
  })

  it('take a seconds field and fixed intervals', () => {
    expect(slotsBetween({ cron: '*/10 * * * * *', timeZone: null }, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:01:00Z')).count).toBe(6)
    const every = { everyMs: 60_000, anchorAt: at('2026-01-01T00:00:30Z') }
    expect(iso(nextSlot(every, at('2026-01-01T00:05:00Z')))).toBe('2026-01-01T00:05:30.000Z')
    expect(slotsBetween(every, at('2026-01-01T00:00:30Z'), at('2026-01-01T00:10:00Z'))).toEqual({ count: 9, latest: at('2026-01-01T00:09:30Z') })
  })
})

/** The tasks schedules created, oldest slot first. */
const scheduledTasks = async (queue: TaskQueue) =>
  (await queue.list({ limit: 1000 })).items
    .filter((t) => t.metadata.schedule !== undefined)
    .map((t) => ({ slot: t.metadata.slot as string, missed: t.metadata.missedSlots, key: t.idempotencyKey }))
    .sort((a, b) => a.slot.localeCompare(b.slot) || String(a.key).localeCompare(String(b.key)))

describe('schedules', () => {
  it('a host restarted several times across slots never double-fires, and `once` catches up on missed slots', async () => {
    const dataDir = tempDir()
    const clock = manualClock(at('2026-05-01T10:00:10Z'))
    const host = async () => {
      const queue = await openQueue({ dataDir, now: clock.now })
      const scheduler = new Scheduler(queue)
      await scheduler.start()
      const stop = async () => {
        await scheduler.stop()
        await queue.close()
      }
      return { queue, scheduler, stop }
    }
    let h = await host()
    await h.queue.schedules.set('minutely', { cron: '* * * * *', task: { type: 'report' }, catchUp: 'once' })
    await h.queue.schedules.set('skipper', { cron: '* * * * *', task: { type: 'ping' } })
    clock.advance(60_000) // 10:01:10: the 10:01 slot is due
    await h.scheduler.tick()
    await h.scheduler.tick() // a second pass fires nothing new
    await h.stop()
    clock.advance(3 * 60_000 + 30_000) // down until 10:04:40: 10:02, 10:03, 10:04 missed
    h = await host()
    await h.stop()
    h = await host() // restarted again at once: nothing more
    await h.stop()
    clock.advance(30_000) // 10:05:10
    h = await host()
    await h.scheduler.tick()
    expect(await scheduledTasks(h.queue)).toEqual([
      { slot: '2026-05-01T10:01:00.000Z', missed: undefined, key: 'schedule:minutely:2026-05-01T10:01:00.000Z' },
      { slot: '2026-05-01T10:01:00.000Z', missed: undefined, key: 'schedule:skipper:2026-05-01T10:01:00.000Z' },
      { slot: '2026-05-01T10:04:00.000Z', missed: 3, key: 'schedule:minutely:2026-05-01T10:04:00.000Z' },
      // `skip`: the slots missed while down are skipped; 10:05 came due after this host started.
      { slot: '2026-05-01T10:05:00.000Z', missed: undefined, key: 'schedule:minutely:2026-05-01T10:05:00.000Z' },
    ])
    const [skipper] = (await h.queue.schedules.list()).filter((s) => s.name === 'skipper')
    expect(iso(skipper?.nextFireAt ?? null)).toBe('2026-05-01T10:06:00.000Z')
    await h.stop()
  })

  it('two passes at once, or a crash between fire and ack, make one task per slot', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.schedules.set('hourly', { cron: '0 * * * *', task: { type: 't' }, catchUp: 'once' })
    clock.advance(3_600_000)
    const [a, b] = await Promise.all([queue.fireDueSchedules(0), queue.fireDueSchedules(0)])
    expect([...a.fired, ...b.fired]).toHaveLength(1)
    expect(await scheduledTasks(queue)).toHaveLength(1)
    // A crash after the slot's task was written but before ScheduleFired: the next pass finds the
    // task by its idempotency key and records it instead of adding a second one.
    clock.advance(3_600_000)
    const slot = new Date(clock.now() - (clock.now() % 3_600_000)).toISOString()
    const orphan = await queue.enqueue({ type: 't', idempotencyKey: `schedule:hourly:${slot}`, metadata: { schedule: 'hourly', slot } })
    const after = await queue.fireDueSchedules(0)
    expect(after.fired.map((f) => f.taskId)).toEqual([orphan.id])
    expect(await scheduledTasks(queue)).toHaveLength(2)
    expect((await queue.schedules.get('hourly')).lastTaskId).toBe(orphan.id)
    await queue.close()
  })

  it('an every-second schedule fires once per second while the host runs', async () => {
    const queue = await openQueue({ inMemory: true })
    const scheduler = new Scheduler(queue)
    await queue.schedules.set('tick', { cron: '* * * * * *', task: { type: 't' } })
    await scheduler.start()
    // Slots are wall-clock seconds (the scheduler's own timer is under test): wait for three of them.
    await until('three slots fired', async () => (await scheduledTasks(queue)).length >= 3)
    await scheduler.stop()
    const slots = (await scheduledTasks(queue)).map((t) => at(t.slot))
    expect(slots.length).toBeGreaterThanOrEqual(3)
    // Once per second: consecutive seconds, none skipped, none twice, none ahead of the clock.
    for (let i = 1; i < slots.length; i++) expect((slots[i] as number) - (slots[i - 1] as number)).toBe(1_000)
    expect(slots.at(-1)).toBeLessThanOrEqual(Date.now())
    await queue.close()
  })

  it('pause, resume (slots passed while paused are skipped), remove, list with the next fire time', async () => {
    const { queue, clock } = await memoryQueue()
    const set = await queue.schedules.set('nightly', { cron: '0 3 * * *', timeZone: 'Europe/Berlin', task: { type: 'report', priority: 'high' } })
    expect(set).toMatchObject({ name: 'nightly', enabled: true, catchUp: 'skip', task: { type: 'report', priority: 7 } })
    expect(iso(set.nextFireAt)).toBe('2026-01-01T02:00:00.000Z')
    expect((await queue.schedules.pause('nightly')).nextFireAt).toBeNull()
    clock.advance(2 * 86_400_000)
    await queue.schedules.resume('nightly')
    expect((await queue.fireDueSchedules(0)).fired).toEqual([])
    expect(await queue.schedules.remove('nightly')).toEqual({ name: 'nightly', removed: true })
    expect(await queue.schedules.list()).toEqual([])
    await queue.close()
  })

  it('bad input names the bad field and writes nothing', async () => {
    const { queue } = await memoryQueue()
    const cases: Array<[unknown, RegExp]> = [
      [{ cron: '61 * * * *', task: { type: 't' } }, /^invalid cron: "61 \* \* \* \*"/],
      [{ cron: 'every day', task: { type: 't' } }, /^invalid cron/],
      [{ cron: '0 3 * * *', timeZone: 'Mars/Olympus', task: { type: 't' } }, /^invalid timeZone: "Mars\/Olympus" is not an IANA time zone/],
      [{ every: '10ms', task: { type: 't' } }, /^invalid every: must be at least 1 s/],
      [{ cron: '* * * * *', every: '1m', task: { type: 't' } }, /exactly one of cron or every/],
      [{ cron: '* * * * *', task: { type: 't', priority: 'urgent' } }, /^invalid priority/],
      [{ cron: '* * * * *', task: { type: 't', delay: 5 } }, /^invalid task\.delay/],
      [{ cron: '* * * * *', task: { type: 't' }, catchUp: 'all' }, /^invalid catchUp/],
    ]
    for (const [input, message] of cases) {
      const error = await expectRefused(queue, 'ValidationError', () => queue.schedules.set('s', input as never))
      expect(error.message).toMatch(message)
    }
    await expectRefused(queue, 'ScheduleNotFound', () => queue.schedules.remove('nope'))
    await queue.close()
  })
})
