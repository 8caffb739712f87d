import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../program.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('baton run proof', () => {
  it('--offline prints per-judge scores, panel score, disagreement and the judges share of cost, labelled OFFLINE', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    expect(await main(['run', 'proof', '--offline'])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^OFFLINE:/);
    expect(text).toMatch(/judge openai\/gpt-6\.1-sol\s+score 0\.883/);
    expect(text).toMatch(/panel score 0\.783; disagreement: range 0\.200/);
    expect(text).toMatch(/judges \$[0-9.]+ \(\d+\.\d% of the episode\)/);
  });

  it('names the missing environment variable when live', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await main(['run', 'proof', '--statement', 'There are infinitely many primes.'])).toBe(2);
    expect(errors.join('\n')).toMatch(/OPENAI_API_KEY/);
  });
});
