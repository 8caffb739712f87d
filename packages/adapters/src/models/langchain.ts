import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, TokenUsage } from '@baton/core';
import { UserError } from '@baton/core';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type AIMessageChunk,
  type BaseMessage,
  type UsageMetadata,
} from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { Tiktoken } from 'js-tiktoken/lite';
import { connectionFailure, invalidResponse } from './provider-error.ts';
import { callWithRetries } from './retry.ts';
import { deadlinesOf, deltaTracker, dollars, resolveSettings, type ModelSettings } from './shared.ts';

/** Settings of {@link createLangChainModel}. */
export interface LangChainModelSettings extends Omit<ModelSettings, 'model'> {
  /**
   * The model id used for pricing and reporting. Defaults to the chat model's own `model` field when it has one
   * (ChatOpenAI, ChatAnthropic do).
   */
  readonly model?: string;
}

const PROVIDER = 'langchain';

/**
 * A ModelAdapter over any LangChain chat model. Baton's retry policy wraps the call, so give the chat model
 * `maxRetries: 0` to keep one policy in charge. Sampling settings (temperature, max tokens, seed, JSON mode) belong to
 * the chat model's own configuration and are not forwarded from GenerateOptions; tools are bound per call. When the model reports no token usage, usage is counted with the
 * cl100k tokenizer (an estimate, documented rather than silently zero).
 *
 * @example
 * ```ts
 * const model = createLangChainModel(new ChatOpenAI({ model: 'gpt-6-luna', maxRetries: 0 }));
 * const { text } = await model.generate([{ role: 'user', content: 'Hello' }]);
 * ```
 */
export function createLangChainModel(chatModel: BaseChatModel, settings: LangChainModelSettings = {}): ModelAdapter {
  const ownModel = 'model' in chatModel && typeof chatModel.model === 'string' ? chatModel.model : undefined;
  const modelName = settings.model ?? ownModel;
  if (modelName === undefined)
    throw new UserError('this chat model does not name its model; pass settings.model for pricing', { field: 'model' });
  const resolved = resolveSettings({ ...settings, model: modelName });

  return {
    provider: PROVIDER,
    model: resolved.model,
    async generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
      const input = messages.map(toLangChainMessage);
      const runnable = withTools(chatModel, options);
      const started = performance.now();
      const deltas = deltaTracker(options.onDelta);
      const message = await callWithRetries(
        async (signal) => {
          const answer = await readable(async () => {
            if (!options.onDelta) return runnable.invoke(input, { signal });
            let merged: AIMessageChunk | undefined;
            for await (const chunk of await runnable.stream(input, { signal })) {
              deltas.emit(chunk.text);
              merged = merged === undefined ? chunk : merged.concat(chunk);
            }
            return merged;
          });
          // A stream cut by the deadline can end quietly: that is a timeout, not an empty answer.
          signal.throwIfAborted();
          if (answer === undefined || (answer.text === '' && !answer.tool_calls?.length))
            throw invalidResponse(PROVIDER, `the ${options.onDelta ? 'streamed ' : ''}answer is empty`);
          return answer;
        },
        {
          provider: PROVIDER,
          policy: resolved.retry,
          ...deadlinesOf(resolved, options.onDelta !== undefined),
          signal: options.signal,
          secrets: [],
          delivered: () => deltas.delivered,
        },
      );
      const text = message.text;
      // The message type's generic default leaves this field unusable to the checker; its runtime shape is UsageMetadata.
      const reportedUsage = message.usage_metadata as UsageMetadata | undefined;
      const usage = reportedUsage
        ? { inputTokens: reportedUsage.input_tokens, outputTokens: reportedUsage.output_tokens }
        : await estimateUsage(messages, text);
      const reported =
        typeof message.response_metadata['model_name'] === 'string' ? message.response_metadata['model_name'] : resolved.model;
      return {
        text,
        toolCalls: (message.tool_calls ?? []).map((call, index) => ({
          id: call.id ?? `call_${index}`,
          name: call.name,
          arguments: JSON.stringify(call.args),
        })),
        usage,
        costUsd: dollars(usage, reported, resolved),
        latencyMs: performance.now() - started,
        model: reported,
        ...(message.id === undefined ? {} : { id: message.id }),
      };
    },
  };
}

/**
 * Runs a LangChain call, turning the TypeError a chat model throws when it cannot read the provider's body (an empty
 * or misshapen answer) into `provider.invalid-response`. Connection failures keep their own classification.
 */
async function readable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TypeError && connectionFailure(error) === undefined)
      throw invalidResponse(PROVIDER, `the chat model could not read the answer (${error.message})`, error);
    throw error;
  }
}

type ChatRunnable = Pick<Runnable<BaseMessage[], AIMessageChunk>, 'invoke' | 'stream'>;

function withTools(chatModel: BaseChatModel, options: GenerateOptions): ChatRunnable {
  if (!options.tools?.length) return chatModel;
  if (chatModel.bindTools === undefined)
    throw new UserError(`the LangChain model ${chatModel._llmType()} cannot call tools`, { field: 'tools' });
  return chatModel.bindTools(
    options.tools.map((tool) => ({
      type: 'function' as const,
      function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } },
    })),
  );
}

function toLangChainMessage(message: ChatMessage, index: number): BaseMessage {
  switch (message.role) {
    case 'system':
      return new SystemMessage(message.content);
    case 'user':
      return new HumanMessage(message.content);
    case 'assistant':
      return new AIMessage({
        content: message.content,
        tool_calls: (message.toolCalls ?? []).map((call) => ({
          id: call.id,
          name: call.name,
          args: parseArgs(call.arguments, index),
          type: 'tool_call' as const,
        })),
      });
    case 'tool':
      if (!message.toolCallId)
        throw new UserError('a tool message must say which call it answers', { field: `messages[${index}].toolCallId` });
      return new ToolMessage({ content: message.content, tool_call_id: message.toolCallId });
  }
}

function parseArgs(text: string, index: number): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    throw new UserError('tool call arguments are not JSON', { field: `messages[${index}].toolCalls`, cause: error });
  }
  throw new UserError('tool call arguments must be a JSON object', { field: `messages[${index}].toolCalls` });
}

let encoder: Promise<Tiktoken> | undefined;
function cl100k(): Promise<Tiktoken> {
  encoder ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/cl100k_base')]).then(
    ([lite, ranks]) => new lite.Tiktoken(ranks.default),
  );
  return encoder;
}

/** Token counts with cl100k (loaded on first use) when the model reports none. */
async function estimateUsage(messages: readonly ChatMessage[], text: string): Promise<TokenUsage> {
  const encoding = await cl100k();
  // ~4 tokens of chat framing per message, as OpenAI documents for its chat format.
  const inputTokens = messages.reduce((sum, m) => sum + 4 + encoding.encode(m.content).length, 0);
  return { inputTokens, outputTokens: encoding.encode(text).length };
}
