import type { ChatMessage, GenerateOptions, ModelAdapter, TokenUsage, ToolCall } from '@baton/core';
import { UserError } from '@baton/core';
import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageCreateParamsBase, MessageParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';
import { invalidResponse } from './provider-error.ts';
import { resolveSettings, shaped, truncatedStream, type ModelSettings } from './shared.ts';
import { vendorGenerate, type Answer } from './vendor-call.ts';
import { checkedBaseURL, expectEventStream, guardedFetch, VENDOR_API, vendorApiKey } from './transport.ts';

/** Settings of {@link createAnthropicModel}. */
export interface AnthropicModelSettings extends ModelSettings {
  /**
   * Defaults to the `ANTHROPIC_API_KEY` environment variable, which is read only for Anthropic's own host: a custom
   * `baseURL` gets the key passed here or none.
   */
  readonly apiKey?: string;
  /** A proxy or compatible server speaking the messages API. */
  readonly baseURL?: string;
  /** The messages API requires an output cap; used when a call gives no `maxTokens`. Default 4096. */
  readonly defaultMaxTokens?: number;
}

const PROVIDER = 'anthropic';

/**
 * A ModelAdapter over Anthropic's messages API. System messages become the `system` prompt; tool results become
 * `tool_result` blocks. There is no JSON mode: `json: true` relies on the prompt (and core's structured repair).
 *
 * @example
 * ```ts
 * const model = createAnthropicModel({ model: 'claude-haiku-4-5' });
 * const { text, costUsd } = await model.generate([{ role: 'user', content: 'What is 6 * 7?' }]);
 * ```
 */
export function createAnthropicModel(settings: AnthropicModelSettings): ModelAdapter {
  const resolved = resolveSettings(settings);
  if (settings.baseURL !== undefined) checkedBaseURL(settings.baseURL);
  const apiKey = vendorApiKey('anthropic', settings.apiKey, settings.baseURL);
  const defaultMaxTokens = settings.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1)
    throw new UserError('must be a positive integer', { field: 'defaultMaxTokens' });
  const client = new Anthropic({
    // Explicit, so the SDK never falls back to ANTHROPIC_AUTH_TOKEN or a credentials profile; local servers ignore it.
    apiKey: apiKey ?? 'not-needed',
    authToken: null,
    // Always explicit, so ANTHROPIC_BASE_URL cannot redirect the key.
    baseURL: settings.baseURL ?? VENDOR_API.anthropic.url,
    fetch: guardedFetch(resolved.maxResponseBytes),
    maxRetries: 0,
    // Baton's own deadlines (callWithRetries) govern; this only keeps the SDK's from firing first.
    timeout: 3_600_000,
  });
  const secrets = apiKey === undefined ? [] : [apiKey];

  return {
    provider: PROVIDER,
    model: resolved.model,
    generate: vendorGenerate({
      provider: PROVIDER,
      settings: resolved,
      secrets,
      params: (messages, chosen) => requestParams(resolved.model, messages, chosen, defaultMaxTokens),
      whole: (params, signal) => whole(client, params, signal),
      streamed: (params, signal, emit) => streamed(client, params, signal, emit),
    }),
  };
}

/** Cached input is counted as input (priced at the full input rate: an upper bound). */
function usageOf(usage: z.infer<typeof usageShape>): TokenUsage {
  return {
    inputTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
  };
}

// The parts of an answer Baton reads, checked: a body of another shape is an unusable answer, not a TypeError.
const usageShape = z.object({
  input_tokens: z.number().nullable(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
const blockShape = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.string() }),
]);
const messageShape = z.object({
  id: z.string(),
  model: z.string(),
  content: z.array(blockShape),
  usage: usageShape,
  stop_reason: z.string().nullish(),
});
const eventShape = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ id: z.string(), model: z.string(), usage: usageShape }) }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: blockShape }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.union([
      z.object({ type: z.literal('text_delta'), text: z.string() }),
      z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
      z.object({ type: z.string() }),
    ]),
  }),
  z.object({ type: z.literal('message_delta'), usage: z.object({ input_tokens: z.number().nullish(), output_tokens: z.number() }) }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('content_block_stop') }),
  z.object({ type: z.literal('ping') }),
]);

async function whole(client: Anthropic, params: MessageCreateParamsBase, signal: AbortSignal): Promise<Answer> {
  const body: unknown = await client.messages.create({ ...params, stream: false }, { signal });
  const message = shaped(PROVIDER, messageShape, body, 'the body');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if ('text' in block) text += block.text;
    else if ('input' in block) toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
  }
  if (text === '' && toolCalls.length === 0)
    throw invalidResponse(PROVIDER, `the answer is empty (stop_reason ${message.stop_reason ?? 'none'})`);
  return { text, toolCalls, usage: usageOf(message.usage), model: message.model, id: message.id };
}

async function streamed(
  client: Anthropic,
  params: MessageCreateParamsBase,
  signal: AbortSignal,
  emit: (text: string) => void,
): Promise<Answer> {
  const { data: stream, response } = await client.messages.create({ ...params, stream: true }, { signal }).withResponse();
  expectEventStream(PROVIDER, response, () => stream.controller.abort());
  let text = '';
  let id = '';
  let model = params.model;
  let usage: TokenUsage | undefined;
  let stopped = false;
  let events = 0;
  const tools = new Map<number, { id: string; name: string; json: string }>();
  for await (const raw of stream) {
    events += 1;
    const event = shaped(PROVIDER, eventShape, raw, 'a stream event');
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        usage = usageOf(event.message.usage);
        break;
      case 'content_block_start':
        if ('input' in event.content_block)
          tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
        break;
      case 'content_block_delta':
        if ('text' in event.delta) {
          text += event.delta.text;
          emit(event.delta.text);
        } else if ('partial_json' in event.delta) {
          const tool = tools.get(event.index);
          if (tool) tool.json += event.delta.partial_json;
        }
        break;
      case 'message_delta':
        // output_tokens here is cumulative for the message.
        usage = { inputTokens: event.usage.input_tokens ?? usage?.inputTokens ?? 0, outputTokens: event.usage.output_tokens };
        break;
      case 'message_stop':
        stopped = true;
        break;
      case 'content_block_stop':
      case 'ping':
      default:
        break;
    }
  }
  // The SDK ends the iteration quietly when the signal fires: that is a timeout, not a short stream.
  signal.throwIfAborted();
  if (events === 0) throw invalidResponse(PROVIDER, 'the event stream ended without an event');
  if (!stopped) throw truncatedStream(PROVIDER, 'no message_stop');
  if (usage === undefined) throw invalidResponse(PROVIDER, 'the stream reported no usage');
  if (text === '' && tools.size === 0) throw invalidResponse(PROVIDER, 'the streamed answer is empty');
  const toolCalls = [...tools.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, tool]) => ({ id: tool.id, name: tool.name, arguments: tool.json || '{}' }));
  return { text, toolCalls, usage, model, id };
}

function requestParams(
  model: string,
  messages: readonly ChatMessage[],
  options: GenerateOptions,
  defaultMaxTokens: number,
): MessageCreateParamsBase {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  return {
    model,
    max_tokens: options.maxTokens ?? defaultMaxTokens,
    messages: toAnthropicMessages(messages),
    ...(system.length ? { system: system.join('\n\n') } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.tools?.length
      ? {
          tools: options.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            input_schema: { type: 'object' as const, ...tool.parameters },
          })),
        }
      : {}),
  };
}

/** Anthropic wants alternating turns: consecutive user-side messages (user text, tool results) merge into one. */
function toAnthropicMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const out: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system') return;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks: ContentBlockParam[] = [];
    if (message.role === 'tool') {
      if (!message.toolCallId)
        throw new UserError('a tool message must say which call it answers', { field: `messages[${index}].toolCallId` });
      blocks.push({ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content });
    } else {
      if (message.content) blocks.push({ type: 'text', text: message.content });
      for (const call of message.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call, index) });
    }
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  });
  return out;
}

function parseToolInput(call: ToolCall, index: number): unknown {
  try {
    return JSON.parse(call.arguments || '{}');
  } catch (error) {
    throw new UserError(`tool call ${call.id} has arguments that are not JSON`, { field: `messages[${index}].toolCalls`, cause: error });
  }
}
