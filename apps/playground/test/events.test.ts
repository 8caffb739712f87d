import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coreAudit,
  createPlaygroundApp,
  RECENT_EPISODES,
  syntheticPlaygroundWorkflow,
  type RunMessage,
  type RunStatus,
} from '@baton/playground';

/** The server-sent events of one stream, read to its end: [event, parsed data]. */
async function readStream(body: ReadableStream<Uint8Array>): Promise<[string, unknown][]> {
  const text = await new Response(body).text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim() ?? '';
      return [field('event'), JSON.parse(field('data')) as unknown];
    });
}

describe('run event stream', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a browser that subscribes after the run ended still gets its last sampled episodes, then the final status', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'baton-events-'));
    dirs.push(auditDir);
    const { app } = createPlaygroundApp({
      workflows: [syntheticPlaygroundWorkflow],
      audit: coreAudit,
      auditDir,
      clientDir: '/nonexistent',
    });
    const started = await app.request('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflow: 'synthetic',
        methods: ['icq-tabular'],
        episodes: 60,
        seeds: 1,
        checkpointEvery: 30,
        sampleIntervalMs: 50,
      }),
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as RunStatus;
    for (let i = 0; i < 200; i++) {
      const { status } = (await (await app.request(`/api/runs/${id}`)).json()) as { status: RunStatus };
      if (status.state === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const res = await app.request(`/api/runs/${id}/events`);
    const messages = await readStream(res.body as ReadableStream<Uint8Array>);
    const kinds = messages.map(([event]) => event);
    const episodes = messages.filter(([event]) => event === 'episode').map(([, data]) => data as Extract<RunMessage, { type: 'episode' }>);
    expect(episodes.length).toBeGreaterThan(0);
    expect(episodes.length).toBeLessThanOrEqual(RECENT_EPISODES);
    expect(episodes.every((e) => e.runId === id && e.events.some((ev) => ev.type === 'episode-end'))).toBe(true);
    // Every decision of a watched episode comes explained: Q per legal action and the features that moved it.
    const insights = episodes.flatMap((e) => e.insights);
    expect(insights.length).toBe(episodes.flatMap((e) => e.events.filter((ev) => ev.type === 'decision')).length);
    expect(insights.some((d) => d.q.length > 1 && d.preferred !== undefined)).toBe(true);
    // Oldest first, and the status (which ends a browser's listening) comes last.
    expect(episodes.map((e) => e.episode)).toEqual([...episodes.map((e) => e.episode)].sort((a, b) => a - b));
    expect(kinds.at(-1)).toBe('status');
    // Each message's data is the whole RunMessage, named by its type.
    expect(messages.every(([event, data]) => (data as { type: string }).type === event)).toBe(true);
    expect((messages.at(-1)?.[1] as { status: RunStatus }).status.state).toBe('done');
  });
});
