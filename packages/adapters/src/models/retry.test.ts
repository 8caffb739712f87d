import { ProviderError, UserError } from '@baton/core';
import { RetryBudget, retryAfterMs } from '@baton/adapters';
import { describe, expect, it } from 'vitest';
import { callWithRetries } from './retry.ts';

const headers = (values: Record<string, string>) => new Headers(values);
const fail = (status: number) =>
  Object.assign(new Error(`${status} failed`), { status, error: { message: `status ${status}` }, headers: headers({}) });

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, then retry-after seconds, then an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('RetryBudget', () => {
  it('books retries and waits until a limit would be overrun', () => {
    const budget = new RetryBudget({ maxRetries: 2, maxWaitMs: 100 });
    expect(budget.tryConsume(60)).toBe(true);
    expect(budget.tryConsume(60)).toBe(false);
    expect(budget.tryConsume(40)).toBe(true);
    expect(budget.tryConsume(0)).toBe(false);
    expect([budget.retries, budget.waitedMs]).toEqual([2, 100]);
  });

  it('rejects nonsense limits', () => {
    expect(() => new RetryBudget({ maxRetries: -1 })).toThrow(UserError);
  });
});

describe('callWithRetries', () => {
  const options = { provider: 'test', timeoutMs: 1_000, deadlineMs: 10_000, signal: undefined, secrets: [] };

  it('retries retryable statuses with growing backoff and stops at maxAttempts', async () => {
    const seen: number[] = [];
    const error = await callWithRetries(
      async () => {
        seen.push(performance.now());
        throw fail(503);
      },
      { ...options, policy: { maxAttempts: 3, initialDelayMs: 20, jitter: false } },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryable: true, providerMessage: 'status 503' });
    expect(seen).toHaveLength(3);
    const gaps = [(seen[1] ?? 0) - (seen[0] ?? 0), (seen[2] ?? 0) - (seen[1] ?? 0)];
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
  });

  it('gives up rather than wait past maxTotalWaitMs', async () => {
    let calls = 0;
    const rateLimited = () => Object.assign(fail(429), { headers: headers({ 'retry-after-ms': '5000' }) });
    const started = performance.now();
    await expect(
      callWithRetries(
        async () => {
          calls += 1;
          throw rateLimited();
        },
        { ...options, policy: { maxAttempts: 5, maxTotalWaitMs: 1_000 } },
      ),
    ).rejects.toMatchObject({ status: 429, code: 'provider.rate-limited' });
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('rejects with the abort reason on a caller abort without retrying, and wraps unknown failures as non-retryable', async () => {
    const controller = new AbortController();
    let calls = 0;
    const aborted = callWithRetries(
      async (signal) => {
        calls += 1;
        controller.abort();
        throw signal.reason;
      },
      { ...options, signal: controller.signal, policy: { maxAttempts: 3, initialDelayMs: 1 } },
    );
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
    const odd = callWithRetries(async () => Promise.reject(new RangeError('weird')), { ...options, policy: { maxAttempts: 3 } });
    await expect(odd).rejects.toBeInstanceOf(ProviderError);
  });

  it('redacts the key and key-shaped strings from provider messages', async () => {
    const leaky = Object.assign(new Error('401'), { status: 401, error: { message: 'bad key my-secret-key-123 and sk-abcdefghijkl' } });
    const error = await callWithRetries(async () => Promise.reject(leaky), {
      ...options,
      secrets: ['my-secret-key-123'],
      policy: undefined,
    }).catch((e: unknown) => e);
    expect((error as ProviderError).message).not.toContain('my-secret-key-123');
    expect((error as ProviderError).message).not.toContain('sk-abcdefghijkl');
  });
});
