import { describe, expect, it } from 'vitest';
import { availableIsolation } from '@baton/agents';
import { formatPatchReport, runPatch } from './run-patch.ts';

describe('baton run patch --offline (recorded replies through the wire server and the real openai SDK)', () => {
  it('detects the non-applying patch, counts the failing one, ends with every test passing', async () => {
    const report = await runPatch({ offline: true, testTimeoutMs: 20_000 });
    expect(report.mode).toBe('offline');
    const [stale, partial, fix] = report.testRuns;
    expect(stale).toMatchObject({ attempt: 1, applied: false, testsRun: 0 });
    expect(stale?.applyError).toContain('does not apply');
    expect(partial).toMatchObject({ attempt: 2, applied: true, testsRun: 5, testsPassed: 3, testsFailed: 2 });
    expect(fix).toMatchObject({ attempt: 3, applied: true, testsRun: 5, testsPassed: 5, testsFailed: 0 });
    expect(report.testsTotal).toBe(5);
    expect(report.testsPassed).toBe(5);
    expect(report.handoffs.length).toBeGreaterThanOrEqual(2);
    expect(report.handoffs[0]).toMatchObject({ from: 'author', to: 'tests' });
    expect(report.costUsd).toBeGreaterThan(0);
    expect(report.reviews.map((r) => r.verdict)).toEqual(['request-changes', 'approve']);
    // The strongest isolation that works here confined the tests, and the report says which.
    expect(report.isolation).toBe((await availableIsolation())[0]);
    expect(formatPatchReport(report)).toContain(`tests confined by ${report.isolation}`);
  });
});
