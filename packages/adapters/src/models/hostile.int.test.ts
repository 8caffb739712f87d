import { createServer } from 'node:net';
import { ProviderError, type ModelAdapter } from '@baton/core';
import { createAnthropicModel, createLangChainModel, createOpenAIModel, type ModelSettings } from '@baton/adapters';
import { startWireServer, type WireFault, type WireServer } from '@baton/adapters/test';
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Every adapter against the hostile answers of the wire server (issue 17, items 4-6).

const KEY = 'sk-hostile-0123456789abcdef';
const ask = [{ role: 'user' as const, content: 'What is 6 * 7?' }];
const MB = 1024 * 1024;
type Settings = Omit<ModelSettings, 'model'>;

const ADAPTERS: Readonly<Record<string, (urls: { openai: string; anthropic: string }, settings: Settings) => ModelAdapter>> = {
  openai: (u, s) => createOpenAIModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: u.openai, ...s }),
  anthropic: (u, s) => createAnthropicModel({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL: u.anthropic, ...s }),
  langchain: (u, s) =>
    createLangChainModel(new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: KEY, configuration: { baseURL: u.openai }, maxRetries: 0 }), s),
};
const fast: Settings = { retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 }, deadlineMs: 5_000 };

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function against(adapter: string, fault: WireFault, settings: Settings = fast): Promise<ModelAdapter> {
  server = await startWireServer({ script: [{ fault, reply: 'The answer is 42.', times: Infinity }] });
  return (ADAPTERS[adapter] as (typeof ADAPTERS)[string])({ openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL }, settings);
}

async function failure(model: ModelAdapter, stream: boolean): Promise<{ error: ProviderError; seconds: number }> {
  const started = performance.now();
  const error = await model.generate(ask, stream ? { onDelta: () => undefined } : {}).then(
    (result) => new Error(`answered ${JSON.stringify(result.text)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return { error: error as ProviderError, seconds: (performance.now() - started) / 1000 };
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe.each(Object.keys(ADAPTERS))('%s adapter against a hostile server', (adapter) => {
  it('classifies a refused connection as provider.connection, retries it and names the cause', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const model = (ADAPTERS[adapter] as (typeof ADAPTERS)[string])({ openai: `${url}/v1`, anthropic: url }, fast);
    const { error } = await failure(model, false);
    expect(error).toMatchObject({ code: 'provider.connection', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['reset', false, { type: 'reset' }],
    ['truncated', false, { type: 'truncate' }],
    ['truncated', true, { type: 'truncate', afterEvents: 1 }],
  ] as const)('classifies a %s connection (stream %s) as provider.connection and retries it', async (_, stream, fault) => {
    const model = await against(adapter, fault);
    const { error } = await failure(model, stream);
    expect(error).toMatchObject({ code: 'provider.connection', retryable: true });
    expect(server?.requests).toHaveLength(3);
  });

  it('ends a hanging call at its deadline, retries included', async () => {
    const model = await against(adapter, { type: 'hang' }, { ...fast, deadlineMs: 400 });
    const { error, seconds } = await failure(model, false);
    expect(error).toMatchObject({ code: 'provider.timeout' });
    expect(error.message).toMatch(/deadline of 400 ms/);
    expect(seconds).toBeLessThan(2);
  });

  it('calls a stream slower than the deadline a timeout, not a truncated stream', async () => {
    const model = await against(adapter, { type: 'slow', intervalMs: 150 }, { ...fast, deadlineMs: 500 });
    const { error, seconds } = await failure(model, true);
    expect(error.code).toBe('provider.timeout');
    expect(seconds).toBeLessThan(2.5);
  });

  it.each([
    ['empty', { type: 'empty' }],
    ['garbage', { type: 'garbage' }],
    ['badjson', { type: 'invalid-json' }],
  ] as const)('turns a %s answer into provider.invalid-response, JSON and streamed, without retrying', async (_, fault) => {
    const model = await against(adapter, fault);
    for (const stream of [false, true]) {
      const { error } = await failure(model, stream);
      expect(error).toMatchObject({ code: 'provider.invalid-response', retryable: false });
    }
    expect(server?.requests).toHaveLength(2);
  });

  it('turns a well-formed answer with no text and no tool calls into provider.invalid-response', async () => {
    server = await startWireServer({ script: [{ reply: '', times: 2 }] });
    const model = (ADAPTERS[adapter] as (typeof ADAPTERS)[string])(
      { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL },
      fast,
    );
    for (const stream of [false, true]) expect((await failure(model, stream)).error.code).toBe('provider.invalid-response');
  });
});

// LangChain's transport belongs to the chat model, so the body checks below are the OpenAI and Anthropic adapters'.
describe.each(['openai', 'anthropic'])('%s adapter on oversized and non-stream answers', (adapter) => {
  it('finds a 20 MB non-event-stream body on a streamed call from its headers, at once and once', async () => {
    const model = await against(adapter, { type: 'non-sse', bytes: 20 * MB });
    const cpu = process.cpuUsage();
    const { error, seconds } = await failure(model, true);
    const used = process.cpuUsage(cpu);
    expect(error).toMatchObject({ code: 'provider.invalid-response', retryable: false });
    expect(error.message).toMatch(/not an event stream/);
    expect(server?.requests).toHaveLength(1);
    expect(seconds).toBeLessThan(1);
    expect((used.user + used.system) / 1e6).toBeLessThan(1);
  });

  it.each([false, true])('refuses an answer past maxResponseBytes (stream %s)', async (stream) => {
    const model = await against(adapter, { type: 'huge', bytes: 4 * MB }, { ...fast, maxResponseBytes: MB });
    const { error } = await failure(model, stream);
    expect(error).toMatchObject({ code: 'provider.invalid-response', retryable: false });
    expect(error.message).toMatch(/maxResponseBytes/);
    expect(server?.requests).toHaveLength(1);
  });
});

describe('openai adapter on a bad event', () => {
  it("prints none of the server's bytes (the SDK would log the raw chunk to stderr)", async () => {
    const logged: unknown[] = [];
    for (const level of ['error', 'warn', 'info', 'log', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(...args));
    try {
      const model = await against('openai', { type: 'invalid-json' });
      expect((await failure(model, true)).error.code).toBe('provider.invalid-response');
      expect(logged).toEqual([]);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
