import * as Schema from 'effect/Schema'

/** Small building blocks of the public shapes. */

/** A time in the public shapes: ms since the Unix epoch, as every time travels (docs/design.md). */
export const Ms = Schema.Number.annotations({ description: 'ms since the Unix epoch' })
export const NullableMs = Schema.NullOr(Ms)

/** A mutable array, as the library's answers have always been typed (`string[]`, not `readonly string[]`). */
export const MutableArray = <S extends Schema.Schema.Any>(item: S) => Schema.mutable(Schema.Array(item))

/** A JSON object of any values (`Record<string, unknown>`). */
export const JsonObject = Schema.mutable(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
