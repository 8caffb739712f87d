import { ProviderError, UserError } from '@baton/core';
import { createAnthropicModel, costOf } from '@baton/adapters';
import { startWireServer, type WireServer, type WireStep } from '@baton/adapters/test';
import { afterEach, describe, expect, it, vi } from 'vitest';

const KEY = 'sk-ant-test-0123456789abcdef';
const ask = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'What is 6 * 7?' },
];
let server: WireServer | undefined;

async function modelWith(script: readonly (WireStep | string)[], settings: { timeoutMs?: number; maxAttempts?: number } = {}) {
  server = await startWireServer({ script });
  return createAnthropicModel({
    model: 'claude-3-5-haiku-latest',
    apiKey: KEY,
    baseURL: server.anthropicBaseURL,
    timeoutMs: settings.timeoutMs ?? 5_000,
    retry: { maxAttempts: settings.maxAttempts ?? 3, initialDelayMs: 5, maxDelayMs: 20 },
  });
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

describe('createAnthropicModel against the wire server', () => {
  it('drops temperature for good once the model says it is deprecated for it (Sonnet 5 and later)', async () => {
    const model = await modelWith([
      { fault: { type: 'error', status: 400, message: '`temperature` is deprecated for this model.' } },
      '42',
      '43',
    ]);
    expect((await model.generate(ask, { temperature: 0 })).text).toBe('42');
    expect((await model.generate(ask, { temperature: 0, onDelta: () => undefined })).text).toBe('43');
    expect(server?.requests.map((r) => 'temperature' in r.body)).toEqual([true, false, false]);
  });

  it('returns text, usage, dollars, model and id; sends the system prompt apart', async () => {
    const model = await modelWith([{ reply: { text: '42', usage: { inputTokens: 2000, outputTokens: 100 } } }]);
    const result = await model.generate(ask, { maxTokens: 64, temperature: 0 });
    expect(result).toMatchObject({
      text: '42',
      toolCalls: [],
      usage: { inputTokens: 2000, outputTokens: 100 },
      model: 'claude-3-5-haiku-latest',
    });
    expect(result.costUsd).toBeCloseTo(2000 * 0.8e-6 + 100 * 4e-6, 12);
    expect(result.costUsd).toBe(costOf(result.usage, 'claude-3-5-haiku'));
    expect(result.id).toMatch(/^msg_/);
    const sent = server?.requests[0];
    expect(sent).toMatchObject({ protocol: 'anthropic', auth: 'bearer', stream: false });
    expect(sent?.body).toMatchObject({ system: 'Be brief.', max_tokens: 64, temperature: 0, messages: [{ role: 'user' }] });
  });

  it('streams text deltas from the SSE event stream with usage from message_delta', async () => {
    const model = await modelWith([{ reply: { text: 'The answer is 42.', usage: { inputTokens: 12, outputTokens: 7 } } }]);
    const deltas: string[] = [];
    const result = await model.generate(ask, { onDelta: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('The answer is 42.');
    expect(result).toMatchObject({ text: 'The answer is 42.', usage: { inputTokens: 12, outputTokens: 7 } });
    expect(result.id).toMatch(/^msg_/);
  });

  it('returns tool_use blocks as tool calls and sends tool results back as tool_result blocks', async () => {
    const call = { name: 'multiply', arguments: { a: 6, b: 7 } };
    const model = await modelWith([{ reply: { text: 'Let me compute.', toolCalls: [call] } }, { reply: { toolCalls: [call] } }, '42']);
    const tools = [{ name: 'multiply', description: 'a*b', parameters: { properties: { a: { type: 'number' }, b: { type: 'number' } } } }];
    const whole = await model.generate(ask, { tools });
    const streamed = await model.generate(ask, { tools, onDelta: () => undefined });
    for (const result of [whole, streamed]) {
      expect(result.toolCalls[0]).toMatchObject({ name: 'multiply', id: expect.stringMatching(/^toolu_/) as unknown });
      expect(JSON.parse(result.toolCalls[0]?.arguments ?? '')).toEqual({ a: 6, b: 7 });
    }
    expect(whole.text).toBe('Let me compute.');
    expect(server?.requests[0]?.body['tools']).toEqual([
      { name: 'multiply', description: 'a*b', input_schema: { type: 'object', ...tools[0]?.parameters } },
    ]);
    const id = whole.toolCalls[0]?.id ?? '';
    await model.generate([
      ...ask,
      { role: 'assistant', content: whole.text, toolCalls: whole.toolCalls },
      { role: 'tool', content: '42', toolCallId: id },
    ]);
    expect(server?.requests[2]?.body['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is 6 * 7?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me compute.' },
          { type: 'tool_use', id, name: 'multiply', input: { a: 6, b: 7 } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: '42' }] },
    ]);
  });

  it('honours retry-after (seconds) on 429', async () => {
    const model = await modelWith([{ fault: { type: 'rate-limit', retryAfterSeconds: 0.15 } }, '42']);
    expect((await model.generate(ask)).text).toBe('42');
    const [first, second] = server?.requests ?? [];
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('retries 500, a hang and a truncated stream, then answers', async () => {
    const model = await modelWith(
      [{ fault: { type: 'error', status: 500 } }, { fault: { type: 'hang' } }, { fault: { type: 'truncate', afterEvents: 1 } }, 'ok'],
      {
        timeoutMs: 150,
        maxAttempts: 4,
      },
    );
    expect((await model.generate(ask, { onDelta: () => undefined })).text).toBe('ok');
    expect(server?.requests.map((r) => r.served)).toEqual(['error', 'hang', 'truncate', 'reply']);
  });

  it('turns an invalid JSON body into a typed error', async () => {
    const model = await modelWith([{ fault: { type: 'invalid-json' } }]);
    await expect(model.generate(ask)).rejects.toMatchObject({ name: 'ProviderError', code: 'provider.invalid-response', retryable: false });
    expect(server?.requests).toHaveLength(1);
  });

  it.each([
    [400, 'messages: roles must alternate'],
    [401, 'invalid x-api-key'],
    [404, 'model: claude-9 not found'],
  ])('fails at once on %i with the provider message', async (status, message) => {
    const model = await modelWith([{ fault: { type: 'error', status, message } }, '42']);
    const error = await model.generate(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status, retryable: false, providerMessage: message, provider: 'anthropic' });
    expect((error as Error).message).toContain(message);
    expect(server?.requests).toHaveLength(1);
  });

  it('needs ANTHROPIC_API_KEY unless a baseURL is given', () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    expect(() => createAnthropicModel({ model: 'claude-sonnet-5-5' })).toThrow(UserError);
    expect(() => createAnthropicModel({ model: 'claude-sonnet-5-5' })).toThrow(/ANTHROPIC_API_KEY/);
    vi.stubEnv('ANTHROPIC_API_KEY', KEY);
    expect(createAnthropicModel({ model: 'claude-sonnet-5-5' }).provider).toBe('anthropic');
  });
});
