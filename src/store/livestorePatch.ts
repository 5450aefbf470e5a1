/**
 * Compiles the validators of LiveStore 0.4.0's sync-state classes once instead of on every
 * construction (docs/design.md, "LiveStore's sync-state validation").
 *
 * `@livestore/common` builds its sync states with Effect `Schema.Class` constructors
 * (`SyncState`, `MergeContext`, `MergeResultAdvance`/`Rebase`/`Reject`, and
 * `LiveStoreEvent.Client.EncodedWithMeta` for every event), several per commit. Effect 3.21's
 * constructor runs `ParseResult.validateSync(schema)(props)`, and `validateSync` derives the
 * schema's type side anew on every call; for these classes that yields new AST nodes each time
 * (their fields hold classes, `Schema.Option` and a `Suspend`), so Effect's parser cache misses
 * and the validator is compiled again for every object: 15–26 % of a commit's CPU here
 * (bench/README.md, "LiveStore's sync-state validation").
 *
 * The patch puts a class between each LiveStore class and Effect's generated base (a derived
 * constructor looks its parent up when it runs, so this needs no edit of LiveStore's files and
 * works wherever livequeue is installed). It does what Effect's constructor does: merges the
 * constructor defaults, validates with the same fields (compiled once here), then hands the
 * validated props to Effect's constructor with validation off. Bad props still throw the same
 * `ParseError`; valid ones give the same object. It applies to LiveStore 0.4.0 and Effect 3.21
 * only (anything else is left alone, with one warning), and `LIVEQUEUE_LIVESTORE_PATCH=0` turns
 * it off. It is process-wide: an app's own LiveStore store gets the same, equivalent, classes.
 */
import { liveStoreVersion, SyncState } from '@livestore/common'
import { LiveStoreEvent } from '@livestore/common/schema'
import { ParseResult, Schema } from 'effect'
import { getCurrentVersion as currentEffectVersion } from 'effect/ModuleVersion'

/** The versions whose constructors were read and measured; others are not touched. */
const PATCHED_LIVESTORE = '0.4.0'
const PATCHED_EFFECT_MINOR = /^3\.21\./

export type LiveStorePatchState = { readonly applied: true; readonly classes: ReadonlyArray<string> } | { readonly applied: false; readonly reason: string }

type AnyClass = abstract new (...args: any[]) => any

/** The six `Schema.Class` classes in `@livestore/common` 0.4.0: their constructors validate. */
const classTargets = (): ReadonlyArray<AnyClass> => [
  LiveStoreEvent.Client.EncodedWithMeta,
  SyncState.SyncState,
  SyncState.MergeContext,
  SyncState.MergeResultAdvance,
  SyncState.MergeResultRebase,
  SyncState.MergeResultReject,
]

/** Its three `Schema.TaggedStruct` payloads: their static `make` validates the same way. */
const structTargets = (): ReadonlyArray<StructTarget & { readonly name: string }> => [
  SyncState.PayloadLocalPush,
  SyncState.PayloadUpstreamAdvance,
  SyncState.PayloadUpstreamRebase,
]

/** Effect's `AST.AutoTitleAnnotationId` (internal in its types): the title its constructors give a refusal. */
const AutoTitleAnnotationId = Symbol.for('effect/annotation/AutoTitle')

/** The marker on the class the patch inserts (so it is applied once and can be seen by tests). */
const patchMarker = Symbol.for('livequeue/livestorePatch')

let state: LiveStorePatchState | null = null

/** Objects built through a patched constructor (tests check a real store goes through them). */
export const patchCounters = { constructions: 0 }

/** Effect's `lazilyMergeDefaults` (not exported): fills in fields that have a constructor default. */
const mergeDefaults = (fields: Schema.Struct.Fields, props: Record<PropertyKey, unknown>): Record<PropertyKey, unknown> => {
  for (const key of Reflect.ownKeys(fields)) {
    const field = fields[key as string]
    if (props[key] === undefined && Schema.isPropertySignature(field)) {
      const ast = field.ast
      const defaultValue = ast._tag === 'PropertySignatureDeclaration' ? ast.defaultValue : ast.to.defaultValue
      if (defaultValue !== undefined) props[key] = defaultValue()
    }
  }
  return props
}

/** Effect's `getDisableValidationMakeOption`: `true` or `{ disableValidation: true }` skips validation. */
const validationDisabled = (options: unknown): boolean =>
  typeof options === 'boolean' ? options : ((options as { disableValidation?: boolean } | undefined)?.disableValidation ?? false)

type ClassTarget = AnyClass & { readonly fields: Schema.Struct.Fields; readonly identifier: string }

const patchClass = (target: ClassTarget): void => {
  const effectBase = Object.getPrototypeOf(target) as AnyClass
  if ((effectBase as unknown as Record<symbol, unknown>)[patchMarker]) return
  // The schema Effect's constructor validates with (`Struct(fields)`, titled as Effect titles it,
  // so a refusal reads the same), compiled once.
  const constructorSchema = Schema.Struct(target.fields).annotations({ [AutoTitleAnnotationId]: `${target.identifier} (Constructor)` })
  const validate = ParseResult.validateSync(constructorSchema)
  const fields = target.fields
  class CompiledValidation extends effectBase {
    static readonly [patchMarker] = true
    constructor(props: Record<PropertyKey, unknown> = {}, options: unknown = false) {
      patchCounters.constructions++
      if (validationDisabled(options)) super(props, options)
      else super(validate(mergeDefaults(fields, { ...props })), true)
    }
  }
  Object.setPrototypeOf(target, CompiledValidation)
}

type StructTarget = Schema.Schema.AnyNoContext & { readonly fields: Schema.Struct.Fields; make: unknown }

const patchStruct = (target: StructTarget): void => {
  if ((target as unknown as Record<symbol, unknown>)[patchMarker]) return
  const validate = ParseResult.validateSync(target)
  const fields = target.fields
  const make = (props: Record<PropertyKey, unknown>, options?: unknown) => {
    patchCounters.constructions++
    const merged = mergeDefaults(fields, { ...props })
    return validationDisabled(options) ? merged : validate(merged)
  }
  Object.defineProperty(target, 'make', { value: make, writable: true, configurable: true })
  Object.defineProperty(target, patchMarker, { value: true })
}

/** Why the patch must not apply with these versions and this switch, or null when it may. */
export const patchRefusal = (found: { liveStore: string; effect: string; switch: string | undefined }): string | null => {
  if (found.switch === '0') return 'turned off by LIVEQUEUE_LIVESTORE_PATCH=0'
  if (found.liveStore !== PATCHED_LIVESTORE) return `@livestore/common is ${found.liveStore}, the patch is for ${PATCHED_LIVESTORE}`
  if (!PATCHED_EFFECT_MINOR.test(found.effect)) return `effect is ${found.effect}, the patch is for 3.21`
  return null
}

/** Why the classes do not look like the ones the patch was written for, or null. */
const shapeRefusal = (): string | null => {
  for (const target of structTargets()) {
    if (typeof target.make !== 'function' || typeof target.fields !== 'object')
      return `${target.name} is not an Effect Schema.Struct as in LiveStore ${PATCHED_LIVESTORE}`
  }
  for (const target of classTargets()) {
    const base: unknown = Object.getPrototypeOf(target)
    const shape = base as { fields?: unknown; make?: unknown }
    if (typeof base !== 'function' || typeof shape.make !== 'function' || typeof shape.fields !== 'object') {
      return `${target.name} is not an Effect Schema.Class as in LiveStore ${PATCHED_LIVESTORE}`
    }
  }
  return null
}

/**
 * Applies the patch once per process (idempotent); called before a store is opened or adopted
 * and in the leader's worker thread. Returns what happened.
 */
export const applyLiveStorePatch = (): LiveStorePatchState => {
  if (state !== null) return state
  const switched = process.env.LIVEQUEUE_LIVESTORE_PATCH
  const reason = patchRefusal({ liveStore: liveStoreVersion, effect: currentEffectVersion(), switch: switched }) ?? shapeRefusal()
  if (reason !== null) {
    state = { applied: false, reason }
    if (switched !== '0') {
      process.emitWarning(`livequeue: LiveStore's sync-state validators are not precompiled (${reason}); commits cost 15–26 % more CPU`)
    }
    return state
  }
  const classes = classTargets() as ReadonlyArray<ClassTarget>
  for (const target of classes) patchClass(target)
  for (const target of structTargets()) patchStruct(target)
  state = { applied: true, classes: [...classes, ...structTargets()].map((target) => target.name) }
  return state
}

/** What `applyLiveStorePatch` did in this process (null: not called yet). */
export const liveStorePatchState = (): LiveStorePatchState | null => state

/** Whether `target`'s constructor (a class) or `make` (a struct) goes through a compiled validator. */
export const isPatched = (target: object): boolean => Boolean((target as Record<symbol, unknown>)[patchMarker])
