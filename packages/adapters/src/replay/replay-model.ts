import { BatonError, UserError, type ChatMessage, type GenerateOptions, type GenerateResult, type ModelAdapter } from '@baton/core';
import { countTokens, priceOf, replayDefaultPrices, type TokenPrice } from './prices.ts';
import { promptKey, type ReplayDataset, type ReplayRecord } from './records.ts';

/** A replayed model was asked something it has no recording for. Replay never invents an answer. */
export class ReplayUnknownPromptError extends BatonError {
  readonly model: string;
  readonly prompt: string;

  /** Why the loader left this prompt out, when it did (e.g. a contaminated GSM8K prompt). */
  readonly reason: string | undefined;

  constructor(model: string, prompt: string, reason?: string) {
    super(
      'replay.unknown-prompt',
      `replay of "${model}" has no recorded output for the prompt "${prompt.slice(0, 80)}${prompt.length > 80 ? '...' : ''}"` +
        (reason ? `: ${reason}` : ''),
    );
    this.reason = reason;
    this.model = model;
    this.prompt = prompt;
  }
}

export interface ReplayModelConfig {
  /** The model whose recorded outputs are replayed (a column of the data set). */
  readonly model: string;
  /** The recordings: a loaded data set or bare records. */
  readonly records: ReplayDataset | readonly ReplayRecord[];
  /** Price overrides per model (USD per token); merged over `replayDefaultPrices()`. */
  readonly prices?: Readonly<Record<string, TokenPrice>>;
}

/**
 * A ModelAdapter that answers from recorded outputs of a real model, looked up by the last user message (whitespace
 * normalised). Usage is counted with cl100k_base; dollars are the recorded per-call cost when the data set has one,
 * else tokens times the price table.
 * @example
 * const mixtral = createReplayModel({ model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', records: dataset });
 * const { text, costUsd } = await mixtral.generate([{ role: 'user', content: problem }]);
 */
export function createReplayModel(config: ReplayModelConfig): ModelAdapter {
  const records = 'records' in config.records ? config.records.records : config.records;
  const excluded = 'records' in config.records ? config.records.excluded : undefined;
  const byPrompt = new Map<string, ReplayRecord>();
  for (const record of records) {
    if (record.outputs[config.model]) byPrompt.set(promptKey(record.prompt), record);
  }
  if (byPrompt.size === 0)
    throw new UserError(`no recorded outputs for model "${config.model}"`, { field: 'model', code: 'user.unknown-model' });
  const prices = { ...replayDefaultPrices(), ...config.prices };
  let price: TokenPrice | undefined;
  return {
    provider: 'replay',
    model: config.model,
    async generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerateResult> {
      const user = [...messages].reverse().find((m) => m.role === 'user');
      const prompt = user?.content ?? '';
      const output = byPrompt.get(promptKey(prompt))?.outputs[config.model];
      if (!output) throw new ReplayUnknownPromptError(config.model, prompt, excluded?.get(promptKey(prompt)));
      options?.onDelta?.(output.text);
      const inputTokens = messages.reduce((n, m) => n + countTokens(m.content), 0);
      const outputTokens = countTokens(output.text);
      let costUsd = output.costUsd;
      if (costUsd === undefined) {
        price ??= priceOf(config.model, prices);
        costUsd = inputTokens * price.inputPerToken + outputTokens * price.outputPerToken;
      }
      return { text: output.text, toolCalls: [], usage: { inputTokens, outputTokens }, costUsd, latencyMs: 0, model: config.model };
    },
  };
}
