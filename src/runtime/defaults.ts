/** How often a running execution extends its lease. (Default: 30 s) In a module free of LiveStore, for remote workers. */
export const DEFAULT_HEARTBEAT_MS = 30_000
