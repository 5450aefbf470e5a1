import { afterAll, describe, expect, it } from 'vitest'
import { openQueue } from '../src/index.js'
import { cli, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'
import { until } from './helpers/queue.js'

afterAll(removeTempDataDirs)

describe('livequeue schedule', () => {
  it('set, list with the next fire time, through a host and without one; a host fires each slot once across restarts', async () => {
    const dataDir = tempDataDir()
    const set = await cli(['schedule', 'set', 'nightly', '--cron', '0 3 * * *', '--type', 'report', '--data-dir', dataDir])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/schedule nightly: cron "0 3 \* \* \*" UTC → report/)
    const listed = await cli(['schedule', 'list', '--json', '--data-dir', dataDir])
    const [nightly] = JSON.parse(listed.stdout)
    expect(nightly).toMatchObject({ name: 'nightly', enabled: true, task: { type: 'report' } })
    expect(new Date(nightly.nextFireAt).toISOString()).toMatch(/T03:00:00\.000Z$/)

    // Through a running host: set an every-second schedule; the host fires it.
    let host = await startServe(dataDir)
    const every = await cli(['schedule', 'set', 'tick', '--every', '1s', '--type', 'tick', '--catch-up', 'once', '--data-dir', dataDir])
    expect(every.code, every.stderr).toBe(0)
    const ticks = async () => ((await (await fetch(`${host.url}/api/tasks?type=tick`)).json()) as { items: unknown[] }).items.length
    await until('the host fired two slots', async () => (await ticks()) >= 2)
    expect((await host.stop()).code).toBe(0)
    // A fixed wait on purpose: the host must be down across two wall-clock slots, which is what
    // the catch-up on restart is about (no event marks a slot passing while nothing runs). Every
    // slot fired so far is before the stop, so 2 s after it two more are due, however slow the machine.
    await new Promise((r) => setTimeout(r, 2_000))
    host = await startServe(dataDir)
    const throughHost = await cli(['schedule', 'list', '--json', '--data-dir', dataDir])
    expect(JSON.parse(throughHost.stdout).map((s: { name: string }) => s.name)).toEqual(['nightly', 'tick'])
    expect((await host.stop()).code).toBe(0)

    const queue = await openQueue({ dataDir })
    const tasks = (await queue.list({ type: 'tick', limit: 1000 })).items
    const slots = tasks.map((t) => t.metadata.slot as string)
    expect(tasks.length).toBeGreaterThanOrEqual(3)
    expect(new Set(slots).size).toBe(slots.length) // never two tasks for one slot
    // The restart caught up on the missed slots with one task that counts them.
    expect(tasks.some((t) => typeof t.metadata.missedSlots === 'number' && (t.metadata.missedSlots as number) >= 1)).toBe(true)
    await queue.close()
  })

  it('refuses a bad cron or time zone, naming the field, exit 1, nothing written', async () => {
    const dataDir = tempDataDir()
    const cron = await cli(['schedule', 'set', 'x', '--cron', '0 25 * * *', '--type', 't', '--data-dir', dataDir])
    expect(cron.code).toBe(1)
    expect(cron.stderr).toMatch(/^error: invalid cron: "0 25 \* \* \*"/)
    const tz = await cli(['schedule', 'set', 'x', '--cron', '0 3 * * *', '--tz', 'Mars/Base', '--type', 't', '--data-dir', dataDir])
    expect(tz.code).toBe(1)
    expect(tz.stderr).toMatch(/^error: invalid timeZone: "Mars\/Base"/)
    const neither = await cli(['schedule', 'set', 'x', '--type', 't', '--data-dir', dataDir])
    expect(neither.code).toBe(2)
    expect(JSON.parse((await cli(['schedule', 'list', '--json', '--data-dir', dataDir])).stdout)).toEqual([])
  })
})
