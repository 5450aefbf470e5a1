/** Read replicas: watch a host's queue through a LiveStore sync backend, without writing. */
export { ReplicaReadOnly } from './errors.js'
export { InvalidSyncUrl, WebSocketUnavailable } from '../sync/errors.js'
export { type OpenReplicaOptions, openReplica } from './openReplica.js'
export type { EpochSwitch } from './followEpochs.js'
export { Replica, WRITE_OPERATIONS, type WriteOperation } from './Replica.js'
