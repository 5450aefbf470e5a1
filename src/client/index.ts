/** The queue through a host's HTTP API, and the interface both transports share. */
export type { ActivityStream, ActivityStreamOptions } from './activityStream.js'
export { type ConnectOptions, chooseTransport, connect, type Transport } from './connect.js'
export { Forbidden, HostUnreachable, RemoteError, Unauthorized } from './errors.js'
export { followActivity } from './follow.js'
export type { ProducerApi, QueryResult, QueueApi, RemoteClaimOptions, ScheduleApi, WorkerApi } from './QueueApi.js'
export { RemoteQueue, type RemoteQueueOptions } from './RemoteQueue.js'
