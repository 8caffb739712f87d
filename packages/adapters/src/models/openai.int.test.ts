import { ProviderError, UserError, generateStructured, ModelBehaviorError } from '@baton/core';
import { createOpenAIModel, costOf, RetryBudget } from '@baton/adapters';
import { startWireServer, type WireServer, type WireStep } from '@baton/adapters/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const KEY = 'sk-test-0123456789abcdef';
const ask = [{ role: 'user' as const, content: 'What is 6 * 7?' }];
let server: WireServer | undefined;

async function modelWith(
  script: readonly (WireStep | string)[],
  settings: { timeoutMs?: number; maxAttempts?: number; budget?: RetryBudget } = {},
) {
  server = await startWireServer({ script });
  return createOpenAIModel({
    model: 'gpt-4o-mini',
    apiKey: KEY,
    baseURL: server.openaiBaseURL,
    timeoutMs: settings.timeoutMs ?? 5_000,
    retry: {
      maxAttempts: settings.maxAttempts ?? 3,
      initialDelayMs: 5,
      maxDelayMs: 20,
      ...(settings.budget ? { budget: settings.budget } : {}),
    },
  });
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

describe('createOpenAIModel against the wire server', () => {
  it('returns text, usage, dollars, model and id from a JSON answer', async () => {
    const model = await modelWith([{ reply: { text: '42', usage: { inputTokens: 1000, outputTokens: 200 } } }]);
    const result = await model.generate(ask, { temperature: 0, maxTokens: 50, json: true });
    expect(result).toMatchObject({ text: '42', toolCalls: [], usage: { inputTokens: 1000, outputTokens: 200 }, model: 'gpt-4o-mini' });
    expect(result.costUsd).toBeCloseTo(1000 * 0.15e-6 + 200 * 0.6e-6, 12);
    expect(result.costUsd).toBe(costOf(result.usage, 'gpt-4o-mini'));
    expect(result.id).toMatch(/^chatcmpl-/);
    expect(result.latencyMs).toBeGreaterThan(0);
    const sent = server?.requests[0];
    expect(sent).toMatchObject({ protocol: 'openai', auth: 'bearer', stream: false, lastUserMessage: 'What is 6 * 7?' });
    expect(sent?.body).toMatchObject({ temperature: 0, max_tokens: 50, response_format: { type: 'json_object' } });
  });

  it('gives every response a unique id', async () => {
    const model = await modelWith([{ reply: 'same', times: 2 }]);
    const [a, b] = [await model.generate(ask), await model.generate(ask)];
    expect(a.id).not.toBe(b.id);
  });

  it('streams deltas over SSE and reports streamed usage', async () => {
    const model = await modelWith([{ reply: { text: 'The answer is 42.', usage: { inputTokens: 10, outputTokens: 5 } } }]);
    const deltas: string[] = [];
    const result = await model.generate(ask, { onDelta: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('The answer is 42.');
    expect(result).toMatchObject({ text: 'The answer is 42.', usage: { inputTokens: 10, outputTokens: 5 } });
    expect(server?.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends tools and returns tool calls, JSON and streaming', async () => {
    const call = { name: 'multiply', arguments: { a: 6, b: 7 } };
    const model = await modelWith([{ reply: { toolCalls: [call] } }, { reply: { toolCalls: [call] } }]);
    const tools = [
      {
        name: 'multiply',
        description: 'a*b',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
      },
    ];
    const whole = await model.generate(ask, { tools });
    const streamed = await model.generate(ask, { tools, onDelta: () => undefined });
    for (const result of [whole, streamed]) {
      expect(result.toolCalls).toHaveLength(1);
      expect(result.toolCalls[0]).toMatchObject({ name: 'multiply' });
      expect(JSON.parse(result.toolCalls[0]?.arguments ?? '')).toEqual({ a: 6, b: 7 });
    }
    expect(server?.requests[0]?.body['tools']).toEqual([
      { type: 'function', function: { name: 'multiply', description: 'a*b', parameters: tools[0]?.parameters } },
    ]);
    // The tool result goes back as a `tool` message.
    await model
      .generate([
        ...ask,
        { role: 'assistant', content: '', toolCalls: whole.toolCalls },
        { role: 'tool', content: '42', toolCallId: whole.toolCalls[0]?.id ?? '' },
      ])
      .catch(() => undefined);
    expect(server?.requests[2]?.body['messages']).toMatchObject([
      { role: 'user' },
      { role: 'assistant', tool_calls: [{ id: whole.toolCalls[0]?.id }] },
      { role: 'tool', content: '42' },
    ]);
  });

  it('honours retry-after-ms on 429 and then answers', async () => {
    const model = await modelWith([{ fault: { type: 'rate-limit', retryAfterMs: 150 } }, '42']);
    const result = await model.generate(ask);
    expect(result.text).toBe('42');
    const [first, second] = server?.requests ?? [];
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('retries a 500 and succeeds', async () => {
    const model = await modelWith([{ fault: { type: 'error', status: 500, message: 'boom' } }, '42']);
    expect((await model.generate(ask)).text).toBe('42');
    expect(server?.requests.map((r) => r.served)).toEqual(['error', 'reply']);
  });

  it('times out a hanging request and retries it', async () => {
    const model = await modelWith([{ fault: { type: 'hang' } }, '42'], { timeoutMs: 150 });
    expect((await model.generate(ask)).text).toBe('42');
    expect(server?.requests.map((r) => r.served)).toEqual(['hang', 'reply']);
  });

  it('times out a stream that stalls after its headers (the deadline covers the body) and retries it', async () => {
    const model = await modelWith([{ fault: { type: 'stall', afterEvents: 1 }, reply: 'x' }, 'a b'], { timeoutMs: 150 });
    expect((await model.generate(ask, { onDelta: () => undefined })).text).toBe('a b');
    expect(server?.requests.map((r) => r.served)).toEqual(['stall', 'reply']);
  });

  it('gives up with a typed timeout error once attempts run out', async () => {
    const model = await modelWith([{ fault: { type: 'hang' }, times: 2 }], { timeoutMs: 100, maxAttempts: 2 });
    const error = await model.generate(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider.timeout', retryable: true });
    expect(server?.requests).toHaveLength(2);
  });

  it('retries a connection dropped mid-body (JSON) and mid-stream before any text', async () => {
    const model = await modelWith([
      { fault: { type: 'truncate' }, reply: '42' },
      '42',
      { fault: { type: 'truncate', afterEvents: 1 }, reply: 'x y z' },
      'a b',
    ]);
    expect((await model.generate(ask)).text).toBe('42');
    expect((await model.generate(ask, { onDelta: () => undefined })).text).toBe('a b');
    expect(server?.requests.map((r) => r.served)).toEqual(['truncate', 'reply', 'truncate', 'reply']);
  });

  it('reports a stream cut after text was delivered as a typed error, without retrying', async () => {
    const model = await modelWith([{ fault: { type: 'truncate', afterEvents: 3 }, reply: 'one two three four' }, 'never']);
    const deltas: string[] = [];
    const error = await model.generate(ask, { onDelta: (d) => deltas.push(d) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider.stream-interrupted', retryable: false });
    expect(deltas.join('')).toBe('one two ');
    expect(server?.requests).toHaveLength(1);
  });

  it('turns an invalid JSON body into a typed error', async () => {
    const model = await modelWith([{ fault: { type: 'invalid-json' } }, { fault: { type: 'invalid-json' } }]);
    await expect(model.generate(ask)).rejects.toMatchObject({ name: 'ProviderError', code: 'provider.invalid-response' });
    await expect(model.generate(ask, { onDelta: () => undefined })).rejects.toBeInstanceOf(ProviderError);
    expect(server?.requests).toHaveLength(2);
  });

  it.each([
    [400, 'provider.bad-request', "Invalid value for 'temperature'"],
    [401, 'provider.unauthorized', 'Incorrect API key provided'],
    [404, 'provider.not-found', 'The model `gpt-9` does not exist'],
  ])('fails at once on %i with the provider message', async (status, code, message) => {
    const model = await modelWith([{ fault: { type: 'error', status, message } }, '42']);
    const error = await model.generate(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status, code, retryable: false, providerMessage: message, provider: 'openai' });
    expect(server?.requests).toHaveLength(1);
  });

  it('drops temperature for good once the model refuses it (reasoning models take only the default)', async () => {
    const refusal = "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.";
    const model = await modelWith([{ fault: { type: 'error', status: 400, message: refusal } }, '42', '43']);
    expect((await model.generate(ask, { temperature: 0 })).text).toBe('42');
    expect((await model.generate(ask, { temperature: 0 })).text).toBe('43');
    expect(server?.requests.map((r) => 'temperature' in r.body)).toEqual([true, false, false]);
  });

  it('does not hide other 400s behind the temperature fallback', async () => {
    const model = await modelWith([{ fault: { type: 'error', status: 400, message: 'max_tokens is too large' } }, '42']);
    await expect(model.generate(ask, { temperature: 0 })).rejects.toMatchObject({ status: 400 });
    expect(server?.requests).toHaveLength(1);
  });

  it('never puts the API key into an error', async () => {
    server = await startWireServer({ script: ['42'], requireApiKey: 'the-right-key' });
    const model = createOpenAIModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: server.openaiBaseURL });
    const error = await model.generate(ask).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).not.toContain(KEY);
    expect((error as ProviderError).providerMessage).not.toContain(KEY);
  });

  it('stops retrying when the shared episode budget is spent', async () => {
    const budget = new RetryBudget({ maxRetries: 1 });
    const model = await modelWith([{ fault: { type: 'error', status: 503 }, times: 3 }, '42'], { maxAttempts: 4, budget });
    await expect(model.generate(ask)).rejects.toMatchObject({ status: 503 });
    expect(server?.requests).toHaveLength(2);
    expect(budget.retries).toBe(1);
  });

  it('needs OPENAI_API_KEY for the OpenAI API but not for a custom baseURL', () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    expect(() => createOpenAIModel({ model: 'gpt-4o' })).toThrow(UserError);
    expect(() => createOpenAIModel({ model: 'gpt-4o' })).toThrow(/OPENAI_API_KEY/);
    expect(createOpenAIModel({ model: 'gpt-4o', baseURL: 'http://127.0.0.1:1/v1' }).provider).toBe('openai');
  });

  it('refuses a model with no price instead of reporting zero dollars', () => {
    expect(() => createOpenAIModel({ model: 'llama3', apiKey: KEY })).toThrow(/prices/);
    expect(createOpenAIModel({ model: 'llama3', apiKey: KEY, prices: { llama3: { inputPerToken: 0, outputPerToken: 0 } } }).model).toBe(
      'llama3',
    );
  });

  it('drives core structured output: repairs once, then a ModelBehaviorError after bounded repairs', async () => {
    const model = await modelWith(['not json at all', '{"answer": 42}', 'nope', '{"answer": "x"}', 'still nope']);
    const schema = z.object({ answer: z.number() });
    const ok = await generateStructured(model, ask, schema, { maxRepairs: 2 });
    expect(ok.value).toEqual({ answer: 42 });
    expect(ok.calls).toHaveLength(2);
    const error = await generateStructured(model, ask, schema, { maxRepairs: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBehaviorError);
    expect(error).toMatchObject({ attempts: 3, lastOutput: 'still nope' });
    expect(server?.requests[1]?.lastUserMessage).toContain('not valid JSON');
  });
});
