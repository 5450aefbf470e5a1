/**
 * The token lives in sessionStorage: it survives a reload but not the browser tab, and it is
 * never put in a URL (where it would end up in history and logs).
 */
const KEY = 'livequeue.token'

export const getToken = (): string | null => sessionStorage.getItem(KEY)
export const setToken = (token: string): void => sessionStorage.setItem(KEY, token)
export const clearToken = (): void => sessionStorage.removeItem(KEY)
