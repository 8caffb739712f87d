import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, ToolCall } from '@baton/core';
import { ProviderError, UserError } from '@baton/core';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { callWithRetries } from './retry.ts';
import { apiKeyFrom, deltaTracker, dollars, resolveSettings, truncatedStream, type ModelSettings } from './shared.ts';

/** Settings of {@link createOpenAIModel}. */
export interface OpenAIModelSettings extends ModelSettings {
  /** Defaults to the `OPENAI_API_KEY` environment variable; required unless `baseURL` points elsewhere. */
  readonly apiKey?: string;
  /** Any OpenAI-compatible server: Ollama (`http://localhost:11434/v1`), vLLM, llama.cpp server, a proxy. */
  readonly baseURL?: string;
  /** Sent as the `OpenAI-Organization` header, for keys that belong to several organizations. */
  readonly organization?: string;
}

const PROVIDER = 'openai';

/**
 * A ModelAdapter over the OpenAI chat-completions API (or any server that speaks it). Retries are Baton's own
 * (see {@link RetryPolicy}); the SDK's are switched off.
 *
 * @example
 * ```ts
 * const model = createOpenAIModel({ model: 'gpt-4o-mini', retry: { maxAttempts: 3 } });
 * const { text, costUsd } = await model.generate([{ role: 'user', content: 'What is 6 * 7?' }]);
 * ```
 */
export function createOpenAIModel(settings: OpenAIModelSettings): ModelAdapter {
  const resolved = resolveSettings(settings);
  const apiKey = apiKeyFrom(settings.apiKey, 'OPENAI_API_KEY', settings.baseURL === undefined, PROVIDER);
  const client = new OpenAI({
    // The SDK refuses to start without a key; local servers ignore it.
    apiKey: apiKey ?? 'not-needed',
    ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
    ...(settings.organization === undefined ? {} : { organization: settings.organization }),
    maxRetries: 0,
    timeout: resolved.timeoutMs,
  });
  const secrets = apiKey === undefined ? [] : [apiKey];

  return {
    provider: PROVIDER,
    model: resolved.model,
    async generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
      const params = requestParams(resolved.model, messages, options, settings.baseURL !== undefined);
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
      return {
        ...answer,
        costUsd: dollars(answer.usage, answer.model, resolved),
        latencyMs: performance.now() - started,
      };
    },
  };
}

type Answer = Omit<GenerateResult, 'costUsd' | 'latencyMs'>;

async function whole(client: OpenAI, params: ChatCompletionCreateParamsBase, signal: AbortSignal): Promise<Answer> {
  const completion = await client.chat.completions.create({ ...params, stream: false }, { signal });
  const choice = completion.choices[0];
  if (choice === undefined) throw invalid('the completion has no choices');
  if (completion.usage === undefined) throw invalid('the completion has no usage');
  const toolCalls: ToolCall[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type === 'function') toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return {
    text: choice.message.content ?? '',
    toolCalls,
    usage: { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens },
    model: completion.model,
    id: completion.id,
  };
}

async function streamed(
  client: OpenAI,
  params: ChatCompletionCreateParamsBase,
  signal: AbortSignal,
  emit: (text: string) => void,
): Promise<Answer> {
  const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal });
  let text = '';
  let id = '';
  let model = params.model;
  let finished = false;
  let usage: Answer['usage'] | undefined;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const chunk of stream) {
    id = chunk.id || id;
    model = chunk.model || model;
    if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
    for (const choice of chunk.choices) {
      if (choice.delta.content) {
        text += choice.delta.content;
        emit(choice.delta.content);
      }
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        call.id = delta.id ?? call.id;
        call.name += delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
      if (choice.finish_reason) finished = true;
    }
  }
  if (!finished) throw truncatedStream(PROVIDER, 'no finish_reason');
  if (usage === undefined) throw invalid('the stream reported no usage (the server ignored stream_options.include_usage)');
  return { text, toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call), usage, model, id };
}

/** `compatible`: a non-OpenAI server, which may know only the older `max_tokens` (OpenAI's reasoning models need the newer field). */
function requestParams(
  model: string,
  messages: readonly ChatMessage[],
  options: GenerateOptions,
  compatible: boolean,
): ChatCompletionCreateParamsBase {
  const maxTokensField = compatible ? 'max_tokens' : 'max_completion_tokens';
  return {
    model,
    messages: messages.map(toOpenAIMessage),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxTokens === undefined ? {} : { [maxTokensField]: options.maxTokens }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.json ? { response_format: { type: 'json_object' as const } } : {}),
    ...(options.tools?.length
      ? {
          tools: options.tools.map((tool) => ({
            type: 'function' as const,
            function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } },
          })),
        }
      : {}),
  };
}

function toOpenAIMessage(message: ChatMessage, index: number): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return message.toolCalls?.length
        ? {
            role: 'assistant',
            content: message.content || null,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : { role: 'assistant', content: message.content };
    case 'tool':
      if (!message.toolCallId)
        throw new UserError('a tool message must say which call it answers', { field: `messages[${index}].toolCallId` });
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function invalid(detail: string): ProviderError {
  return new ProviderError(`${PROVIDER}: unusable response: ${detail}`, {
    provider: PROVIDER,
    retryable: false,
    code: 'provider.invalid-response',
  });
}
