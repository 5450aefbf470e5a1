import { commonSpecs, queueOptionSpecs } from './spec/common.js'
import { effectConfig } from './spec/toEffect.js'

/** The options every command takes (spec/common.ts); spread into a command's config. */
export const common = effectConfig(commonSpecs, {})

export const { dataDir, json } = common

export type Common = { readonly dataDir: string | undefined; readonly json: boolean }

/** `common` plus the transport (`--server`, `--token`): the options of every command that uses the queue. */
export const queueOptions = effectConfig(queueOptionSpecs, {})

export const { server, token } = queueOptions

export type QueueCommon = Common & { readonly server?: string | undefined; readonly token?: string | undefined }
