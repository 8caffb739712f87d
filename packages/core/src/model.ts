/**
 * The model-provider spec that adapters implement (OpenAI, Anthropic, LangChain, replay). Core defines it so that
 * agents can be written against it without importing any vendor SDK.
 */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** For `tool` messages: the call this message answers. */
  readonly toolCallId?: string;
  /** For `assistant` messages that called tools. */
  readonly toolCalls?: readonly ToolCall[];
}

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** Raw JSON text as the model produced it; parse and validate before use. */
  readonly arguments: string;
}

export interface GenerateOptions {
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly seed?: number;
  readonly tools?: readonly ToolSpec[];
  /** Ask for a JSON object (providers that support it). */
  readonly json?: boolean;
  readonly signal?: AbortSignal;
  /** Called with each streamed text delta; when set, the adapter streams. */
  readonly onDelta?: (text: string) => void;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface GenerateResult {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** The model id the provider reports. */
  readonly model: string;
  /** The provider's response id, when it gives one. */
  readonly id?: string;
}

/** One model behind one interface: messages in; text, tool calls, usage, dollars and latency out. */
export interface ModelAdapter {
  /** `openai`, `anthropic`, `langchain`, `replay`, ... */
  readonly provider: string;
  readonly model: string;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerateResult>;
}
