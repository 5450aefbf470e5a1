/**
 * Names of task types and queues. In a module of its own, free of Effect Schema (~0.4 s to
 * load), so the CLI's quick path can accept a queue name without loading it.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/
