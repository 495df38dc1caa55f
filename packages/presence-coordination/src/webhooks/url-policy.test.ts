import { describe, expect, it } from 'vitest'
import { checkWebhookUrl, isPrivateHost, MAX_WEBHOOK_URL_LENGTH } from './url-policy.js'

describe('webhook URL policy', () => {
  it('accepts public http(s) URLs with paths and queries', () => {
    expect(checkWebhookUrl('https://hooks.example.com/presence?team=1')).toBeUndefined()
    expect(checkWebhookUrl('http://203.0.113.7:8080/in')).toBeUndefined()
    expect(checkWebhookUrl('https://[2001:db8::1]/in')).toBeUndefined()
  })

  it.each([
    ['ftp://example.com/x', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['/relative', /absolute/],
    ['not a url', /absolute/],
    ['https://user:pw@example.com/', /Credentials/],
    ['https://user@example.com/', /Credentials/],
    ['https://example.com/#frag', /fragment/],
    [`https://example.com/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`, /at most 2048/],
  ])('refuses %s', (url, reason) => {
    expect(checkWebhookUrl(url)).toMatch(reason)
  })

  it.each([
    'http://localhost:3000/',
    'http://api.localhost/',
    'http://127.0.0.1/',
    'http://127.1/', // URL normalizes short and hex forms to dotted quads
    'http://0x7f000001/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses the local or private host of %s unless allowed', (url) => {
    expect(checkWebhookUrl(url)).toMatch(/private-network/)
    expect(checkWebhookUrl(url, { allowPrivateNetworks: true })).toBeUndefined()
  })

  it('can require https', () => {
    expect(checkWebhookUrl('http://example.com/', { allowHttp: false })).toMatch(/https/)
    expect(checkWebhookUrl('https://example.com/', { allowHttp: false })).toBeUndefined()
  })

  it('judges hosts by their text only', () => {
    expect(isPrivateHost('LOCALHOST.')).toBe(true)
    expect(isPrivateHost('172.32.0.1')).toBe(false)
    expect(isPrivateHost('[::ffff:808:808]')).toBe(false) // 8.8.8.8
    expect(isPrivateHost('internal.example.com')).toBe(false) // DNS is not consulted
  })
})
