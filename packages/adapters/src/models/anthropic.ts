import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, TokenUsage, ToolCall } from '@baton/core';
import { ProviderError, UserError } from '@baton/core';
import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageCreateParamsBase, MessageParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { callWithRetries } from './retry.ts';
import { apiKeyFrom, deltaTracker, dollars, resolveSettings, truncatedStream, type ModelSettings } from './shared.ts';

/** Settings of {@link createAnthropicModel}. */
export interface AnthropicModelSettings extends ModelSettings {
  /** Defaults to the `ANTHROPIC_API_KEY` environment variable; required unless `baseURL` points elsewhere. */
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
 * const model = createAnthropicModel({ model: 'claude-3-5-haiku-latest' });
 * const { text, costUsd } = await model.generate([{ role: 'user', content: 'What is 6 * 7?' }]);
 * ```
 */
export function createAnthropicModel(settings: AnthropicModelSettings): ModelAdapter {
  const resolved = resolveSettings(settings);
  const apiKey = apiKeyFrom(settings.apiKey, 'ANTHROPIC_API_KEY', settings.baseURL === undefined, PROVIDER);
  const defaultMaxTokens = settings.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1)
    throw new UserError('must be a positive integer', { field: 'defaultMaxTokens' });
  const client = new Anthropic({
    apiKey: apiKey ?? 'not-needed',
    ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
    maxRetries: 0,
    timeout: resolved.timeoutMs,
  });
  const secrets = apiKey === undefined ? [] : [apiKey];

  return {
    provider: PROVIDER,
    model: resolved.model,
    async generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
      const params = requestParams(resolved.model, messages, options, defaultMaxTokens);
      const started = performance.now();
      const deltas = deltaTracker(options.onDelta);
      const answer = await callWithRetries(
        (signal) => (options.onDelta ? streamed(client, params, signal, deltas.emit) : whole(client, params, signal)),
        {
          provider: PROVIDER,
          policy: resolved.retry,
          timeoutMs: resolved.timeoutMs,
          signal: options.signal,
          secrets,
          delivered: () => deltas.delivered,
        },
      );
      return { ...answer, costUsd: dollars(answer.usage, answer.model, resolved), latencyMs: performance.now() - started };
    },
  };
}

type Answer = Omit<GenerateResult, 'costUsd' | 'latencyMs'>;

interface UsageNumbers {
  readonly input_tokens: number | null;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}

/** Cached input is counted as input (priced at the full input rate: an upper bound). */
function usageOf(usage: UsageNumbers): TokenUsage {
  return {
    inputTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
  };
}

async function whole(client: Anthropic, params: MessageCreateParamsBase, signal: AbortSignal): Promise<Answer> {
  const message = await client.messages.create({ ...params, stream: false }, { signal });
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
  }
  return { text, toolCalls, usage: usageOf(message.usage), model: message.model, id: message.id };
}

async function streamed(
  client: Anthropic,
  params: MessageCreateParamsBase,
  signal: AbortSignal,
  emit: (text: string) => void,
): Promise<Answer> {
  const stream = await client.messages.create({ ...params, stream: true }, { signal });
  let text = '';
  let id = '';
  let model = params.model;
  let usage: TokenUsage | undefined;
  let stopped = false;
  const tools = new Map<number, { id: string; name: string; json: string }>();
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        usage = usageOf(event.message.usage);
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use')
          tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') {
          text += event.delta.text;
          emit(event.delta.text);
        } else if (event.delta.type === 'input_json_delta') {
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
      default:
        break;
    }
  }
  if (!stopped) throw truncatedStream(PROVIDER, 'no message_stop');
  if (usage === undefined)
    throw new ProviderError(`${PROVIDER}: the stream reported no usage`, {
      provider: PROVIDER,
      retryable: false,
      code: 'provider.invalid-response',
    });
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
