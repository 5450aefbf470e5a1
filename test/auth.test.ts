import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { authorize } from '../src/server/auth.js'
import { ApiError } from '../src/server/errors.js'
import { createToken, hashToken, listTokens, revokeToken, TokenError, TokenStore } from '../src/auth/tokenStore.js'
import { tempDir } from './helpers/queue.js'

const file = () => path.join(tempDir('livequeue-auth-'), 'nested', 'tokens.json')

describe('tokenStore', () => {
  it('creates lq_ tokens, keeps only their SHA-256 in a 0600 file, lists and revokes them', () => {
    const f = file()
    const a = createToken(f, { name: 'ci', role: 'producer' })
    expect(a.token).toMatch(/^lq_[A-Za-z0-9_-]{43}$/)
    const text = fs.readFileSync(f, 'utf8')
    expect(text).not.toContain(a.token)
    expect(text).toContain(hashToken(a.token))
    expect(fs.statSync(f).mode & 0o777).toBe(0o600)
    expect(listTokens(f)).toEqual([{ name: 'ci', role: 'producer', createdAt: a.createdAt }])
    expect(() => createToken(f, { name: 'ci', role: 'admin' })).toThrow(TokenError)
    expect(() => createToken(f, { name: 'bad name', role: 'admin' })).toThrow(/invalid name/)
    expect(() => createToken(f, { name: 'x', role: 'root' as never })).toThrow(/invalid role/)
    expect(revokeToken(f, 'ci')).toMatchObject({ name: 'ci', role: 'producer' })
    expect(() => revokeToken(f, 'ci')).toThrow(/no token named "ci"/)
    expect(listTokens(f)).toEqual([])
  })

  it('TokenStore sees the file change at once, and fails closed on a broken file', () => {
    const f = file()
    const store = new TokenStore(f)
    expect(store.hasTokens()).toBe(false)
    const { token } = createToken(f, { name: 'w', role: 'worker' })
    expect(store.verify(token)).toEqual({ name: 'w', role: 'worker' })
    expect(store.verify(`${token}x`)).toBeNull()
    expect(store.verify('not-a-token')).toBeNull()
    revokeToken(f, 'w')
    expect(store.verify(token)).toBeNull()
    fs.writeFileSync(f, '{ nope')
    const stderr = process.stderr.write
    process.stderr.write = () => true
    try {
      expect(store.hasTokens()).toBe(true)
      expect(store.verify(token)).toBeNull()
    } finally {
      process.stderr.write = stderr
    }
  })
})

describe('authorize', () => {
  const status = (r: unknown) => (r instanceof ApiError ? r.status : 200)

  it('without tokens: open on loopback (a sent token is still checked), closed elsewhere', () => {
    const tokens = new TokenStore(file())
    expect(authorize({ tokens, loopbackOnly: true }, undefined, 'admin')).toEqual({ name: null, role: 'admin' })
    expect(status(authorize({ tokens, loopbackOnly: true }, 'Bearer lq_revoked', 'read'))).toBe(401)
    expect(status(authorize({ tokens, loopbackOnly: false }, undefined, 'read'))).toBe(401)
    expect(status(authorize({ tokens: null, loopbackOnly: true }, undefined, 'admin'))).toBe(200)
  })

  it('with tokens: 401 without a valid bearer token, 403 for the wrong role', () => {
    const f = file()
    const viewer = createToken(f, { name: 'v', role: 'viewer' }).token
    const tokens = new TokenStore(f)
    const policy = { tokens, loopbackOnly: true }
    expect(status(authorize(policy, undefined, 'read'))).toBe(401)
    expect(status(authorize(policy, `Token ${viewer}`, 'read'))).toBe(401)
    expect(authorize(policy, `Bearer ${viewer}`, 'read')).toEqual({ name: 'v', role: 'viewer' })
    expect(authorize(policy, `bearer   ${viewer} `, 'read')).toEqual({ name: 'v', role: 'viewer' })
    const refused = authorize(policy, `Bearer ${viewer}`, 'produce') as ApiError
    expect(refused.status).toBe(403)
    expect(refused.error).toMatchObject({ _tag: 'Forbidden', role: 'viewer' })
  })
})
