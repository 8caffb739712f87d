import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditSink, createRedactor, REDACTED, verifyAuditLog } from '@baton/audit';

const ENV = {
  DB_PASSWORD: 'p@ss/w0rd!with-length',
  GITHUB_PAT: 'pat-0123456789abcdefghij',
  SERVICE_API_KEY: 'zq8-internal-key-4f3e2d1c0b9a',
  // Not secrets: the working directory, and short values.
  PWD: '/home/someone/project',
  SHORT_TOKEN: 'dev',
};
const redact = createRedactor({ env: ENV });
/** The redacted text of a note, as the log would hold it. */
const note = (text: string): string => (JSON.parse(redact(JSON.stringify({ notes: text }))) as { notes: string }).notes;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('secret env values', () => {
  it.each([
    ['*_PASSWORD', ENV.DB_PASSWORD],
    ['*_PAT', ENV.GITHUB_PAT],
    ['*_KEY', ENV.SERVICE_API_KEY],
  ])('%s is redacted as it is', (_, value) => {
    expect(note(`value ${value} here`)).toBe(`value ${REDACTED} here`);
  });

  it('URL-encoded', () => {
    const encoded = encodeURIComponent(ENV.DB_PASSWORD);
    expect(encoded).not.toBe(ENV.DB_PASSWORD);
    expect(note(`postgres://app:${encoded}@db/x`)).not.toContain(encoded);
  });

  it.each([0, 1, 2])('base64-encoded at offset %i of a longer text (a Basic header, a blob)', (offset) => {
    const encoded = b64(`${'u:'.slice(0, offset)}${ENV.SERVICE_API_KEY}`);
    const out = note(`blob ${encoded}`);
    expect(out).toContain(REDACTED);
    // What is left of the encoding cannot give back more than a character or two of the key.
    expect(Buffer.from(out.replace(`blob `, '').replace(REDACTED, ''), 'base64').toString()).not.toContain(
      ENV.SERVICE_API_KEY.slice(2, -2),
    );
    expect(note(`blob ${encoded.replace(/\+/g, '-').replace(/\//g, '_')}`)).toContain(REDACTED);
  });

  it('partial: a truncated prefix, and the prefix or suffix of a masked echo', () => {
    const key = ENV.SERVICE_API_KEY;
    expect(note(`key ${key.slice(0, 14)}...`)).toBe(`key ${REDACTED}...`);
    expect(note(`key ${key.slice(0, 12)}********`)).toBe(`key ${REDACTED}`);
    expect(note(`ends ****${key.slice(-12)}`)).toBe(`ends ****${REDACTED}`);
  });

  it('leaves the working directory and short values alone', () => {
    expect(note(`cwd ${ENV.PWD}, mode dev`)).toBe(`cwd ${ENV.PWD}, mode dev`);
  });
});

describe('key shapes', () => {
  it.each([
    ['GitHub classic', `ghp_${'a1B2c3D4e5'.repeat(3)}123456`],
    ['GitHub OAuth', `gho_${'Z9y8X7w6V5'.repeat(4)}`],
    ['GitHub fine-grained', `github_pat_11ABCDEFG0${'123456789_'.repeat(2)}${'abcdefghij'.repeat(6)}`],
    ['GitLab', 'glpat-AbCdEf0123456789xYzW'],
    ['Slack', 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp'],
    ['Google', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KkLmNoPqRsTuv'],
    ['Hugging Face', 'hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123' + '45'],
    ['Stripe', 'sk_live_51HcQ2bK9mNoPqRsTuVwXyZ'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiYXRvbiJ9.c2lnbmF0dXJlLXZhbHVl'],
    ['an OpenAI key masked with *', 'sk-proj-Xk3v****************************6zXc'],
    ['an OpenAI key in base64', b64('sk-proj-Xk3vQ9rT2mLw8ZpA5sD7fG1hJ4kL6zXc')],
  ])('%s', (_, token) => {
    expect(note(`use ${token} now`)).toBe(`use ${REDACTED} now`);
  });

  it('a Basic credential, a URL password and secret query parameters, keeping what names them', () => {
    expect(note(`Authorization: Basic ${b64('user:hunter22')}`)).toBe(`Authorization: Basic ${REDACTED}`);
    expect(note('https://bob:hunter22@example.com/v1?api_key=abc123def456&model=x&token=t0k3n-v4lue')).toBe(
      `https://bob:${REDACTED}@example.com/v1?api_key=${REDACTED}&model=x&token=${REDACTED}`,
    );
  });

  it('leaves words that merely contain the prefixes alone', () => {
    const text = 'a risk-assessment-framework-for-tasks; Basic arithmetic; exit code=1; https://example.com/a@b';
    expect(note(text)).toBe(text);
  });
});

describe('fields named for a secret', () => {
  it('whatever their case or separators, and nowhere else', () => {
    const event = {
      openaiKey: 'a',
      ANTHROPIC_API_KEY: 'b',
      dbPassword: 'c',
      client_secret: 'd',
      githubToken: 'e',
      gh_pat: 'f',
      privateKey: { pem: 'g' },
      credentials: ['h'],
      // Not secrets: counts, lists of keys, the name of an env var, an id.
      inputTokens: 3,
      projectionKeys: ['draft'],
      apiKeyEnv: 'LOCAL_KEY',
      workflowKey: 'relay',
    };
    const out = JSON.parse(redact(JSON.stringify({ notes: event }))) as { notes: Record<string, unknown> };
    expect(out.notes).toEqual({
      openaiKey: REDACTED,
      ANTHROPIC_API_KEY: REDACTED,
      dbPassword: REDACTED,
      client_secret: REDACTED,
      githubToken: REDACTED,
      gh_pat: REDACTED,
      privateKey: REDACTED,
      credentials: REDACTED,
      inputTokens: 3,
      projectionKeys: ['draft'],
      apiKeyEnv: 'LOCAL_KEY',
      workflowKey: 'relay',
    });
  });

  it('keeps a key named __proto__ as an ordinary key', () => {
    expect(JSON.parse(redact('{"__proto__":{"password":"x"},"apiKey":"y"}'))).toEqual(
      JSON.parse(`{"__proto__":{"password":"${REDACTED}"},"apiKey":"${REDACTED}"}`),
    );
  });
});

describe('the audit writer thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-redact-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the same plan: env values in every form, key shapes and secret fields', async () => {
    const path = join(dir, 'log.jsonl');
    const audit = createAuditSink({ path, redact: { env: ENV } });
    const secrets = [
      ENV.DB_PASSWORD,
      encodeURIComponent(ENV.DB_PASSWORD),
      b64(ENV.GITHUB_PAT),
      ENV.SERVICE_API_KEY.slice(0, 13),
      `ghp_${'a1B2c3D4e5'.repeat(3)}123456`,
      'field-value-0001',
    ];
    const notes = { prompt: secrets.slice(0, 5).join(' '), openaiKey: secrets[5] };
    await audit.sink({
      type: 'work-end',
      episodeId: 'e1',
      time: 0,
      agent: 'solver',
      artifactHashBefore: 'a'.repeat(64),
      artifactHashAfter: 'b'.repeat(64),
      reward: 0,
      duration: 1,
      usage: {},
      notes,
    });
    await audit.close();
    const text = readFileSync(path, 'utf8');
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect((await verifyAuditLog(path)).ok).toBe(true);
  });
});
