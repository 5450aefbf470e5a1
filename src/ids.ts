import { uuidv7 } from 'uuidv7'

/** Time-ordered ids (UUIDv7): the last tiebreaker of the ordering contract sorts by creation. */
export const newId = (): string => uuidv7()
