import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { coreAudit, createPlaygroundApp, syntheticPlaygroundWorkflow } from '@baton/playground';

// Hostile requests against the default no-token mode (issue 17, items 2 and 11).

const auditDir = mkdtempSync(join(tmpdir(), 'baton-pg-security-'));
const { app, stopAll } = createPlaygroundApp({
  workflows: [syntheticPlaygroundWorkflow],
  audit: coreAudit,
  auditDir,
  clientDir: join(auditDir, 'no-client'),
  host: '127.0.0.1',
});
afterEach(() => stopAll());
afterAll(() => rmSync(auditDir, { recursive: true, force: true }));

const SELF = '127.0.0.1:5177';
const settings = JSON.stringify({ workflow: 'synthetic', methods: ['random'], episodes: 20, seeds: 1, checkpointEvery: 10 });
const runCount = async () => ((await (await app.request('/api/runs', { headers: { host: SELF } })).json()) as unknown[]).length;
const post = (path: string, headers: Record<string, string>, body: BodyInit = settings) =>
  app.request(path, { method: 'POST', headers: { host: SELF, ...headers }, body });

describe('DNS rebinding: requests addressed to another name', () => {
  it('are refused, on the API and the client alike', async () => {
    for (const host of ['attacker.example', 'attacker.example:5177', '127.0.0.1.attacker.example:5177', 'x/y', '']) {
      for (const path of ['/api/audit', '/api/workflows', '/api/runs', '/']) {
        expect((await app.request(path, { headers: { host } })).status, `${host} ${path}`).toBe(403);
      }
    }
  });

  it('answer the loopback names the server is reached by', async () => {
    for (const host of [SELF, 'localhost:5177', '[::1]:5177', 'LOCALHOST:5177']) {
      expect((await app.request('/api/audit', { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('cross-site request forgery', () => {
  it('a text/plain or form POST (no preflight in a browser) neither starts a run nor stops one', async () => {
    const before = await runCount();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect((await post('/api/runs', { 'content-type': type, origin: 'http://evil.example' })).status, type).toBe(415);
      expect((await post('/api/runs', { 'content-type': type })).status, type).toBe(415);
    }
    expect(await runCount()).toBe(before);

    const started = await post('/api/runs', { 'content-type': 'application/json', origin: `http://${SELF}` });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    expect((await post(`/api/runs/${id}/stop`, { 'content-type': 'text/plain' }, '')).status).toBe(415);
    expect((await post(`/api/runs/${id}/stop`, { 'content-type': 'application/json', origin: 'http://evil.example' }, '{}')).status).toBe(
      403,
    );
    const { status } = (await (await app.request(`/api/runs/${id}`, { headers: { host: SELF } })).json()) as { status: { state: string } };
    expect(status.state).not.toBe('stopped');
  });

  it('JSON from another origin, or from another port of this host, is refused', async () => {
    for (const origin of ['http://evil.example', `http://localhost:5177`, 'http://127.0.0.1:3000', 'null']) {
      expect((await post('/api/runs', { 'content-type': 'application/json', origin })).status, origin).toBe(403);
    }
    expect((await post('/api/runs', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('a client that is no browser (no Origin) may still post JSON', async () => {
    expect((await post('/api/runs', { 'content-type': 'application/json' })).status).toBe(201);
  });
});

describe('request bodies', () => {
  const big = JSON.stringify({ ...(JSON.parse(settings) as object), padding: 'x'.repeat(1024 * 1024) });

  it('over the cap are refused with 413, with or without a content-length', async () => {
    const before = await runCount();
    expect((await post('/api/runs', { 'content-type': 'application/json' }, big)).status).toBe(413);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the cap; a server that buffers it all would read 32 MB.
        if (sent++ < 512) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.request('/api/runs', {
      method: 'POST',
      headers: { host: SELF, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(64);
    expect(await runCount()).toBe(before);
  });
});

describe('malformed paths and names', () => {
  it('a broken percent-encoding is a clean 400, with nothing in the server log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const path of ['/%E0%A4%A', '/assets/%E0%A4%A.js', '/api/audit/%E0%A4%A', '/api/audit/%E0%A4%A/records']) {
        const res = await app.request(path, { headers: { host: SELF } });
        expect(res.status, path).toBe(400);
        expect(((await res.json()) as { error: string }).error).not.toMatch(/URIError|at /);
      }
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('odd or missing log names answer 400 or 404 without the server paths', async () => {
    for (const [name, status] of [
      ['....jsonl', 400],
      ['.hidden.jsonl', 400],
      ['%2e%2e%2fetc.jsonl', 400],
      ['missing.jsonl', 404],
    ] as const) {
      for (const path of [`/api/audit/${name}`, `/api/audit/${name}/records`]) {
        const res = await app.request(path, { headers: { host: SELF } });
        const text = await res.text();
        expect(res.status, path).toBe(status);
        expect(text, path).not.toContain(auditDir);
        expect(text, path).not.toMatch(/ENOENT|\/tmp\//);
      }
    }
  });
});
