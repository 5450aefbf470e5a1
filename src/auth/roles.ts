/**
 * Who may do what over HTTP (docs/http-api.md). Each route family names the roles it admits;
 * `admin` is in every list, so the table below is the whole policy.
 */
export const ROLES = ['admin', 'producer', 'worker', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as ReadonlyArray<string>).includes(value)

/** The route families and the roles each admits. */
export const ACCESS = {
  /** Reads: every role. */
  read: ['viewer', 'producer', 'worker', 'admin'],
  /** Enqueue, and cancel/retry of the producer's own tasks. */
  produce: ['producer', 'admin'],
  /** Claim and report routes, the runner registry. */
  work: ['worker', 'admin'],
  /** Prune, pause/resume, requeue-stuck. */
  admin: ['admin'],
} as const satisfies Record<string, ReadonlyArray<Role>>

export type Access = keyof typeof ACCESS

/** Who is calling: a token's name and role, or the anonymous admin of a host without tokens (name null). */
export type Principal = { readonly name: string | null; readonly role: Role }
