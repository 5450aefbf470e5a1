/** LiveStore devtools for the host's store (`livequeue serve --devtools`). */
export { DevtoolsNotAnswering, DevtoolsUnavailable } from './errors.js'
export { type AdapterDevtools, type DevtoolsOptions, prepareDevtools } from './options.js'
export { devtoolsAnswering, devtoolsUrl } from './url.js'
