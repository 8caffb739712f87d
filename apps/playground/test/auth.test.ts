import { describe, expect, it } from 'vitest';
import { UserError } from '@baton/core';
import {
  createPlaygroundApp,
  isLoopback,
  coreAudit,
  presentedToken,
  resolveAccessToken,
  syntheticPlaygroundWorkflow,
  tokenMatches,
} from '@baton/playground';

describe('access token', () => {
  it('treats only loopback hosts as safe without a token', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) expect(isLoopback(h)).toBe(false);
  });

  it('refuses to bind beyond loopback without a token', () => {
    expect(() => resolveAccessToken('0.0.0.0', undefined)).toThrow(UserError);
    expect(() => resolveAccessToken('0.0.0.0', '  ')).toThrow(/BATON_TOKEN/);
    expect(() => resolveAccessToken('0.0.0.0', 'short')).toThrow(/8 characters/);
    expect(resolveAccessToken('0.0.0.0', 'a-long-secret')).toBe('a-long-secret');
    expect(resolveAccessToken('127.0.0.1', undefined)).toBeUndefined();
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('a-long-secret', 'a-long-secret')).toBe(true);
    expect(tokenMatches('a-long-secret', 'a-long-secreT')).toBe(false);
    expect(tokenMatches('a-long-secret', 'a-long')).toBe(false);
    expect(tokenMatches('a-long-secret', undefined)).toBe(false);
    expect(presentedToken('Bearer abc', undefined)).toBe('abc');
    expect(presentedToken(undefined, 'q')).toBe('q');
  });

  it('checks the token on every API request, not on the static client', async () => {
    const { app } = createPlaygroundApp({
      workflows: [syntheticPlaygroundWorkflow],
      audit: coreAudit,
      auditDir: '/nonexistent',
      clientDir: '/nonexistent',
      token: 'a-long-secret',
    });
    for (const path of ['/api/workflows', '/api/runs', '/api/audit', '/api/runs/x/events', '/api/nope']) {
      expect((await app.request(path)).status).toBe(401);
      expect((await app.request(path, { headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
    }
    expect((await app.request('/api/runs', { method: 'POST', body: '{}' })).status).toBe(401);
    const ok = await app.request('/api/workflows', { headers: { authorization: 'Bearer a-long-secret' } });
    expect(ok.status).toBe(200);
    const body = JSON.stringify(await ok.json());
    expect(body).toContain('interfaceGap');
    expect((await app.request('/api/audit?token=a-long-secret')).status).toBe(200);
  });
});
