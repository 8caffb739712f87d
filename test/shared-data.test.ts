import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gsm8kRecordings } from './shared-data.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('gsm8kRecordings', () => {
  it('gives the folder when its three files are there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-gsm8k-'));
    for (const file of ['gsm8k_responses.csv', 'gsm8k_test.jsonl', 'contaminated_prompts.jsonl']) writeFileSync(join(dir, file), '');
    expect(gsm8kRecordings(dir)).toEqual({ dir, missing: false });
  });

  it('outside CI, says once what is missing and how to get it, and asks the caller to skip', () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dir = join(tmpdir(), 'baton-no-such-gsm8k');
    expect(gsm8kRecordings(dir)).toEqual({ dir, missing: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /^skipping the tests that read them: the RouteLLM GSM8K recordings are not in \S*baton-no-such-gsm8k \(no gsm8k_responses\.csv, .*\); get them as \.ci\/run does: git clone --depth 1 https:\/\/github\.com\/lm-sys\/RouteLLM /,
    );
  });

  it.each(['true', '1'])('in CI (CI=%s), absence is a failure', (ci) => {
    vi.stubEnv('CI', ci);
    expect(() => gsm8kRecordings(join(tmpdir(), 'baton-no-such-gsm8k'))).toThrow(
      /not in .*baton-no-such-gsm8k.*In CI that is a failure, not a skip/,
    );
  });
});
