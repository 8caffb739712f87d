import { ProviderError, UserError } from '@baton/core';
import { createLangChainModel } from '@baton/adapters';
import { startWireServer, type WireServer, type WireStep } from '@baton/adapters/test';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';

const ask = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'What is 6 * 7?' },
];
let server: WireServer | undefined;

async function chatOpenAI(script: readonly (WireStep | string)[]) {
  server = await startWireServer({ script });
  const chat = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', configuration: { baseURL: server.openaiBaseURL }, maxRetries: 0 });
  return createLangChainModel(chat, { retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5_000 });
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createLangChainModel', () => {
  it('wraps ChatOpenAI pointed at the wire server: text, usage, dollars', async () => {
    const model = await chatOpenAI([{ reply: { text: '42', usage: { inputTokens: 1000, outputTokens: 10 } } }]);
    const result = await model.generate(ask);
    expect(model).toMatchObject({ provider: 'langchain', model: 'gpt-4o-mini' });
    expect(result).toMatchObject({ text: '42', usage: { inputTokens: 1000, outputTokens: 10 }, model: 'gpt-4o-mini' });
    expect(result.costUsd).toBeCloseTo(1000 * 0.15e-6 + 10 * 0.6e-6, 12);
    expect(server?.requests[0]?.body['messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 6 * 7?' },
    ]);
  });

  it('streams deltas through the chat model', async () => {
    const model = await chatOpenAI([{ reply: { text: 'The answer is 42.', usage: { inputTokens: 9, outputTokens: 6 } } }]);
    const deltas: string[] = [];
    const result = await model.generate(ask, { onDelta: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('The answer is 42.');
    expect(result.text).toBe('The answer is 42.');
    expect(server?.requests[0]?.stream).toBe(true);
  });

  it('binds tools per call and returns tool calls', async () => {
    const model = await chatOpenAI([{ reply: { toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] } }]);
    const tools = [
      {
        name: 'multiply',
        description: 'a*b',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
      },
    ];
    const result = await model.generate(ask, { tools });
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.name).toBe('multiply');
    expect(JSON.parse(result.toolCalls[0]?.arguments ?? '')).toEqual({ a: 6, b: 7 });
    expect(server?.requests[0]?.body['tools']).toMatchObject([{ type: 'function', function: { name: 'multiply' } }]);
  });

  it('applies the Baton retry policy to LangChain errors: 429 with retry-after retried, 401 not', async () => {
    const model = await chatOpenAI([
      { fault: { type: 'rate-limit', retryAfterMs: 120 } },
      '42',
      { fault: { type: 'error', status: 401, message: 'bad key' } },
      'never',
    ]);
    expect((await model.generate(ask)).text).toBe('42');
    const [first, second] = server?.requests ?? [];
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(110);
    const error = await model.generate(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 401, retryable: false, providerMessage: 'bad key' });
    expect(server?.requests).toHaveLength(3);
  });

  it('estimates usage with a tokenizer when the model reports none', async () => {
    const fake = new FakeListChatModel({ responses: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] });
    const model = createLangChainModel(fake, { model: 'gpt-4o', retry: { maxAttempts: 1 } });
    const result = await model.generate(ask);
    expect(result.text).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    // cl100k encodes 32 a's as 4 tokens (a 4-characters-per-token guess would say 8).
    expect(result.usage.outputTokens).toBe(4);
    expect(result.usage.inputTokens).toBeGreaterThan(8);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it('needs a model name for pricing when the chat model has none', () => {
    expect(() => createLangChainModel(new FakeListChatModel({ responses: ['x'] }))).toThrow(UserError);
  });
});
