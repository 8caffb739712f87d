import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, ToolCall } from '../model.ts';

/** One scripted reply: text, or a function of the conversation for replies that depend on the prompt. */
export type ScriptedReply =
  string | { text?: string; toolCalls?: ToolCall[]; costUsd?: number } | ((messages: readonly ChatMessage[]) => string);

/**
 * A ModelAdapter that answers from a script, in order, and records every call. For unit tests of agents and graders;
 * contract tests of real providers use the wire-protocol server in `@baton/adapters/test` instead.
 */
export class ScriptedModel implements ModelAdapter {
  readonly provider = 'scripted';
  readonly calls: { messages: readonly ChatMessage[]; options: GenerateOptions | undefined }[] = [];
  private cursor = 0;

  constructor(
    private readonly replies: readonly ScriptedReply[],
    readonly model = 'scripted-model',
  ) {}

  async generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerateResult> {
    this.calls.push({ messages, options });
    const reply = this.replies[Math.min(this.cursor++, this.replies.length - 1)];
    if (reply === undefined) throw new Error('ScriptedModel has no replies');
    const resolved = typeof reply === 'function' ? { text: reply(messages) } : typeof reply === 'string' ? { text: reply } : reply;
    const text = resolved.text ?? '';
    options?.onDelta?.(text);
    const inputTokens = messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
    return {
      text,
      toolCalls: resolved.toolCalls ?? [],
      usage: { inputTokens, outputTokens: Math.ceil(text.length / 4) },
      costUsd: ('costUsd' in resolved ? resolved.costUsd : undefined) ?? 0,
      latencyMs: 0,
      model: this.model,
      id: `scripted-${this.cursor}`,
    };
  }
}
