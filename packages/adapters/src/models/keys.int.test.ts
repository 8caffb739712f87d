import { UserError } from '@baton/core';
import { createAnthropicModel, createOpenAIModel } from '@baton/adapters';
import { startWireServer, type WireServer } from '@baton/adapters/test';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Issue 17.3: an environment key goes only to its vendor's own host.

const ENV_KEY = 'sk-env-secret-0123456789';
const ask = [{ role: 'user' as const, content: 'What is 6 * 7?' }];
let server: WireServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

/** A stand-in for global fetch that answers like the vendor and records where each request went and with what key. */
function vendorFetch(body: unknown): { calls: { url: string; auth: string | null; apiKey: string | null }[] } {
  const calls: { url: string; auth: string | null; apiKey: string | null }[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({
      url: String(input instanceof Request ? input.url : input),
      auth: headers.get('authorization'),
      apiKey: headers.get('x-api-key'),
    });
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { calls };
}

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: '42' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};
const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: '42' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 3, output_tokens: 1 },
};

describe('OpenAI keys', () => {
  it('never sends OPENAI_API_KEY to a custom baseURL', async () => {
    vi.stubEnv('OPENAI_API_KEY', ENV_KEY);
    server = await startWireServer({ script: ['42'], requireApiKey: ENV_KEY });
    const model = createOpenAIModel({ model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, retry: { maxAttempts: 1 } });
    await expect(model.generate(ask)).rejects.toMatchObject({ status: 401 });
  });

  it('sends an explicit key to a custom baseURL', async () => {
    server = await startWireServer({ script: ['42'], requireApiKey: 'local-key-123' });
    const model = createOpenAIModel({ model: 'gpt-4o-mini', apiKey: 'local-key-123', baseURL: server.openaiBaseURL });
    expect((await model.generate(ask)).text).toBe('42');
  });

  it('sends OPENAI_API_KEY to api.openai.com, and OPENAI_BASE_URL cannot redirect it', async () => {
    vi.stubEnv('OPENAI_API_KEY', ENV_KEY);
    server = await startWireServer({ script: ['42'] });
    vi.stubEnv('OPENAI_BASE_URL', server.openaiBaseURL);
    const { calls } = vendorFetch(completion);
    expect((await createOpenAIModel({ model: 'gpt-4o-mini' }).generate(ask)).text).toBe('42');
    expect(calls).toEqual([{ url: 'https://api.openai.com/v1/chat/completions', auth: `Bearer ${ENV_KEY}`, apiKey: null }]);
    expect(server.requests).toHaveLength(0);
  });

  it('treats plain http or another port on the vendor name as a custom host', async () => {
    vi.stubEnv('OPENAI_API_KEY', ENV_KEY);
    const { calls } = vendorFetch(completion);
    await createOpenAIModel({ model: 'gpt-4o-mini', baseURL: 'http://api.openai.com/v1' }).generate(ask);
    expect(calls[0]?.auth).toBe('Bearer not-needed');
  });

  it('names the field of a baseURL that is not a URL', () => {
    expect(() => createOpenAIModel({ model: 'gpt-4o-mini', baseURL: 'not a url' })).toThrow(UserError);
    expect(() => createOpenAIModel({ model: 'gpt-4o-mini', baseURL: 'not a url' })).toThrow(/^baseURL: must be an absolute/);
    expect(() => createOpenAIModel({ model: 'gpt-4o-mini', baseURL: 'file:///etc/passwd' })).toThrow(/^baseURL: /);
  });
});

describe('Anthropic keys', () => {
  it('never sends ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN to a custom baseURL', async () => {
    for (const variable of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN']) {
      vi.stubEnv(variable, ENV_KEY);
      server = await startWireServer({ script: ['42'], requireApiKey: ENV_KEY });
      const model = createAnthropicModel({ model: 'claude-haiku-4-5', baseURL: server.anthropicBaseURL, retry: { maxAttempts: 1 } });
      await expect(model.generate(ask)).rejects.toMatchObject({ status: 401 });
      await server.close();
      server = undefined;
      vi.unstubAllEnvs();
    }
  });

  it('sends ANTHROPIC_API_KEY to api.anthropic.com, and ANTHROPIC_BASE_URL cannot redirect it', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', ENV_KEY);
    server = await startWireServer({ script: ['42'] });
    vi.stubEnv('ANTHROPIC_BASE_URL', server.anthropicBaseURL);
    const { calls } = vendorFetch(message);
    expect((await createAnthropicModel({ model: 'claude-haiku-4-5' }).generate(ask)).text).toBe('42');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://api.anthropic.com/v1/messages');
    expect(JSON.stringify(calls[0])).toContain(ENV_KEY);
    expect(server.requests).toHaveLength(0);
  });

  it('names the field of a baseURL that is not a URL', () => {
    expect(() => createAnthropicModel({ model: 'claude-haiku-4-5', apiKey: 'k', baseURL: 'not a url' })).toThrow(/^baseURL: /);
  });
});
