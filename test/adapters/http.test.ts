// The HTTP helpers every adapter and the signer share: reading and writing a header, joining baseURL and url.
import { describe, expect, it, vi } from 'vitest'
import { headerValue, headerWriter, joinUrl } from '../../src/adapters/http.ts'

describe('headerWriter', () => {
  it('sets the header once on a plain object, replacing the same name in another case, keeping the others', () => {
    const headers = { authorization: 'Basic abc', AUTHORIZATION: 'x', 'X-Other': '1' }
    headerWriter('Authorization')(headers, 'Bearer t1')
    expect(headers).toEqual({ Authorization: 'Bearer t1', 'X-Other': '1' })
  })

  it('goes through set() where the headers have one (fetch Headers, AxiosHeaders)', () => {
    const headers = new Headers({ authorization: 'Basic abc' })
    headerWriter('Authorization')(headers, 'Bearer t1')
    expect(Object.fromEntries(headers as unknown as Iterable<[string, string]>)).toEqual({ authorization: 'Bearer t1' })

    const set = vi.fn()
    headerWriter('X-Token')({ set }, 'v')
    expect(set).toHaveBeenCalledWith('X-Token', 'v')
  })
})

describe('headerValue', () => {
  it('reads nothing from missing headers', () => {
    expect(headerValue(undefined, 'retry-after')).toBeUndefined()
    expect(headerValue(null, 'retry-after')).toBeUndefined()
  })

  it('turns a get() that answers null (fetch Headers) into undefined', () => {
    expect(headerValue({ get: () => null }, 'retry-after')).toBeUndefined()
    expect(headerValue({ get: (name: string) => `${name}!` }, 'retry-after')).toBe('retry-after!')
  })

  it('reads a plain object by case-insensitive name, and nothing for an absent one', () => {
    expect(headerValue({ 'Retry-After': '3' }, 'retry-after')).toBe('3')
    expect(headerValue({ 'X-Token': 'a' }, 'x-token')).toBe('a')
    expect(headerValue({ 'content-type': 'text/plain' }, 'retry-after')).toBeUndefined()
  })
})

describe('joinUrl', () => {
  it('joins with one slash, and leaves an absolute or protocol-relative url alone', () => {
    expect(joinUrl('https://api.example.com/v1/', '/orders')).toBe('https://api.example.com/v1/orders')
    expect(joinUrl('https://api.example.com', 'https://other.example.com/a')).toBe('https://other.example.com/a')
    expect(joinUrl('https://api.example.com', '//other.example.com/a')).toBe('//other.example.com/a')
  })

  it('gives the base URL alone for a missing or empty url', () => {
    expect(joinUrl('https://api.example.com', undefined)).toBe('https://api.example.com')
    expect(joinUrl('https://api.example.com', '')).toBe('https://api.example.com')
  })

  it('gives an empty string with neither', () => {
    expect(joinUrl(undefined, undefined)).toBe('')
  })

  it('joins again when the base or the url changes, and gives the same string for a repeated pair', () => {
    const first = joinUrl('https://a.example.com', '/x')
    expect(joinUrl('https://a.example.com', '/x')).toBe(first)
    expect(joinUrl('https://b.example.com', '/x')).toBe('https://b.example.com/x')
    expect(joinUrl('https://b.example.com', '/y')).toBe('https://b.example.com/y')
    expect(joinUrl(undefined, '/y')).toBe('/y')
    expect(joinUrl(undefined, undefined)).toBe('')
    expect(joinUrl('https://a.example.com', '/x')).toBe('https://a.example.com/x')
  })
})
