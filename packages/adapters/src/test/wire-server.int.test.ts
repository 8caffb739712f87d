import { startWireServer, type WireServer } from '@baton/adapters/test';
import { afterEach, describe, expect, it } from 'vitest';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const chat = (content: string) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] });

describe('startWireServer', () => {
  it('serves matcher steps first, then unmatched steps in order, and says when the script ran out', async () => {
    server = await startWireServer({
      script: [
        'first',
        { match: 'capital', reply: 'Paris', times: Infinity },
        { match: /^sum/, reply: (r) => `sum for ${r.model}` },
        'second',
      ],
    });
    const texts: string[] = [];
    for (const content of ['hello', 'the capital of France?', 'sum 2 2', 'capital again', 'hello']) {
      const res = await post('/v1/chat/completions', chat(content));
      const json = (await res.json()) as { choices: { message: { content: string } }[] };
      texts.push(json.choices[0]?.message.content ?? '');
    }
    expect(texts).toEqual(['first', 'Paris', 'sum for gpt-4o', 'Paris', 'second']);
    const exhausted = await post('/v1/chat/completions', chat('hello'));
    expect(exhausted.status).toBe(400);
    expect(((await exhausted.json()) as { error: { message: string } }).error.message).toMatch(/no reply left/);
    expect(server.requests.map((r) => r.served)).toEqual(['reply', 'reply', 'reply', 'reply', 'reply', 'unscripted']);
  });

  it('accepts x-api-key or a bearer token, records how, and rejects a wrong key in the protocol format', async () => {
    server = await startWireServer({ script: [{ reply: 'ok', times: Infinity }], requireApiKey: 'k1' });
    const anthropicBody = {
      model: 'claude-3-haiku',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect((await post('/v1/messages', anthropicBody, { 'x-api-key': 'k1' })).status).toBe(200);
    expect((await post('/v1/messages', anthropicBody, { authorization: 'Bearer k1' })).status).toBe(200);
    const denied = await post('/v1/messages', anthropicBody, { 'x-api-key': 'nope' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(server.requests.map((r) => [r.auth, r.lastUserMessage])).toEqual([
      ['x-api-key', 'hi'],
      ['bearer', 'hi'],
      ['x-api-key', 'hi'],
    ]);
  });

  it('streams OpenAI SSE ending in [DONE] with a usage chunk when asked', async () => {
    server = await startWireServer({ script: [{ reply: { text: 'a b', usage: { inputTokens: 3, outputTokens: 2 } } }] });
    const res = await post('/v1/chat/completions', { ...chat('x'), stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = (await res.text()).trim().split('\n\n');
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(frames.at(-2)?.slice(6) ?? '')).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('answers 404 on unknown routes and 400 on a body that is not JSON', async () => {
    server = await startWireServer({ script: [] });
    expect((await post('/v1/embeddings', {})).status).toBe(404);
    const bad = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{oops' });
    expect(bad.status).toBe(400);
    expect(server.requests).toHaveLength(0);
  });

  it('closes even with a request left hanging', async () => {
    server = await startWireServer({ script: [{ fault: { type: 'hang' } }] });
    const pending = post('/v1/chat/completions', chat('x')).catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    server = undefined;
  });
});
