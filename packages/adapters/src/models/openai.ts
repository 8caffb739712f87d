import type { ChatMessage, GenerateOptions, ModelAdapter, ToolCall, ProviderError } from '@baton/core';
import { UserError } from '@baton/core';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { invalidResponse } from './provider-error.ts';
import { resolveSettings, shaped, truncatedStream, type ModelSettings } from './shared.ts';
import { vendorGenerate, type Answer } from './vendor-call.ts';
import { checkedBaseURL, expectEventStream, guardedFetch, isVendorHost, VENDOR_API, vendorApiKey } from './transport.ts';

/** Settings of {@link createOpenAIModel}. */
export interface OpenAIModelSettings extends ModelSettings {
  /**
   * Defaults to the `OPENAI_API_KEY` environment variable, which is read only for OpenAI's own host: a custom
   * `baseURL` gets the key passed here or none.
   */
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
 * const model = createOpenAIModel({ model: 'gpt-6-luna', retry: { maxAttempts: 3 } });
 * const { text, costUsd } = await model.generate([{ role: 'user', content: 'What is 6 * 7?' }]);
 * ```
 */
export function createOpenAIModel(settings: OpenAIModelSettings): ModelAdapter {
  const resolved = resolveSettings(settings);
  if (settings.baseURL !== undefined) checkedBaseURL(settings.baseURL);
  const vendor = isVendorHost('openai', settings.baseURL);
  const apiKey = vendorApiKey('openai', settings.apiKey, settings.baseURL);
  const client = new OpenAI({
    // The SDK refuses to start without a key; local servers ignore it.
    apiKey: apiKey ?? 'not-needed',
    // Always explicit, so OPENAI_BASE_URL cannot redirect the key, and OpenAI's org/project ids stay with OpenAI.
    baseURL: settings.baseURL ?? VENDOR_API.openai.url,
    ...(vendor ? {} : { organization: null, project: null }),
    ...(settings.organization === undefined ? {} : { organization: settings.organization }),
    fetch: guardedFetch(resolved.maxResponseBytes),
    maxRetries: 0,
    // Its stream parser logs a bad event's raw bytes (a hostile server's escape sequences) to stderr; the failure
    // reaches the caller as a ProviderError anyway.
    logLevel: 'off',
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
      params: (messages, chosen) => requestParams(resolved.model, messages, chosen, !vendor),
      whole: (params, signal) => whole(client, params, signal),
      streamed: (params, signal, emit) => streamed(client, params, signal, emit),
    }),
  };
}

// The parts of an answer Baton reads, checked: a body of another shape is an unusable answer, not a TypeError.
const usageShape = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });
const toolCallShape = z.object({
  id: z.string(),
  type: z.string(),
  function: z.object({ name: z.string(), arguments: z.string() }).optional(),
});
const completionShape = z.object({
  id: z.string(),
  model: z.string(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallShape).nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, 'the completion has no choices'),
  usage: usageShape.optional(),
});
const chunkShape = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  usage: usageShape.nullish(),
  choices: z.array(
    z.object({
      delta: z
        .object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                index: z.number(),
                id: z.string().nullish(),
                function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
});

async function whole(client: OpenAI, params: ChatCompletionCreateParamsBase, signal: AbortSignal): Promise<Answer> {
  const body: unknown = await client.chat.completions.create({ ...params, stream: false }, { signal });
  const completion = shaped(PROVIDER, completionShape, body, 'the body');
  const choice = completion.choices[0] as (typeof completion.choices)[number];
  if (completion.usage === undefined) throw invalid('the completion has no usage');
  const toolCalls: ToolCall[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type === 'function' && call.function)
      toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  const text = choice.message.content ?? '';
  if (text === '' && toolCalls.length === 0) throw invalid(`the answer is empty (finish_reason ${choice.finish_reason ?? 'none'})`);
  return {
    text,
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
  const { data: stream, response } = await client.chat.completions
    .create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal })
    .withResponse();
  expectEventStream(PROVIDER, response, () => stream.controller.abort());
  let text = '';
  let id = '';
  let model = params.model;
  let finished = false;
  let events = 0;
  let usage: Answer['usage'] | undefined;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const raw of stream) {
    events += 1;
    const chunk = shaped(PROVIDER, chunkShape, raw, 'a stream event');
    id = chunk.id || id;
    model = chunk.model || model;
    if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
    for (const choice of chunk.choices) {
      if (choice.delta?.content) {
        text += choice.delta.content;
        emit(choice.delta.content);
      }
      for (const delta of choice.delta?.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        call.id = delta.id ?? call.id;
        call.name += delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
      if (choice.finish_reason) finished = true;
    }
  }
  // The SDK ends the iteration quietly when the signal fires: that is a timeout, not a short stream.
  signal.throwIfAborted();
  if (events === 0) throw invalid('the event stream ended without an event');
  if (!finished) throw truncatedStream(PROVIDER, 'no finish_reason');
  if (usage === undefined) throw invalid('the stream reported no usage (the server ignored stream_options.include_usage)');
  if (text === '' && calls.size === 0) throw invalid('the streamed answer is empty');
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
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- OpenAI calls it beta, best effort; vLLM and llama.cpp honour it
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
  return invalidResponse(PROVIDER, detail);
}
