/** The host's HTTP API (docs/http-api.md). */
export { Api } from './api.js'
export { isLoopback, ListenFailed, UnsafeBind } from './bind.js'
export { Metrics } from './metrics.js'
export { DEFAULT_HOST, DEFAULT_PORT, type Server, type ServerOptions, startServer } from './startServer.js'
