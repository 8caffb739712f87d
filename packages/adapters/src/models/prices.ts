import { UserError, type TokenUsage } from '@baton/core';

/** What one model charges, in US dollars per token (not per million), so `tokens * price` is dollars. */
export interface ModelPrice {
  readonly inputPerToken: number;
  readonly outputPerToken: number;
}

/** Model id -> price. Keys are matched exactly, then as a prefix at a `-` boundary (`gpt-4o` prices `gpt-4o-2024-08-06`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

const perMillion = (input: number, output: number): ModelPrice => ({ inputPerToken: input / 1e6, outputPerToken: output / 1e6 });

/**
 * List prices (USD) of current and recent OpenAI and Anthropic models, of retired ones that recorded data sets use,
 * and of the open models in the RouteLLM data. Read from the vendors' model and pricing pages on 2026-12-01; prices
 * change: pass your own table (merged over this one) to the model factories rather than trusting these for billing.
 */
export const defaultPrices: PriceTable = Object.freeze({
  // OpenAI, current (GPT-6 generation).
  'gpt-6.1-sol': perMillion(2, 10),
  'gpt-6.1-terra': perMillion(1, 5),
  'gpt-6-luna': perMillion(0.1, 0.5),
  'gpt-5.6-luna': perMillion(0.2, 1.2),
  // OpenAI, deprecated or retired (gpt-5 family shuts down 2026-12-11, gpt-4o and gpt-4.1 2027-01-14; the RouteLLM
  // data set records gpt-4-1106-preview).
  'gpt-5': perMillion(1.25, 10),
  'gpt-5-mini': perMillion(0.25, 2),
  'gpt-5-nano': perMillion(0.05, 0.4),
  'gpt-4.1': perMillion(2, 8),
  'gpt-4.1-mini': perMillion(0.4, 1.6),
  'gpt-4.1-nano': perMillion(0.1, 0.4),
  'gpt-4o': perMillion(2.5, 10),
  'gpt-4o-mini': perMillion(0.15, 0.6),
  'gpt-4-turbo': perMillion(10, 30),
  'gpt-4-1106-preview': perMillion(10, 30),
  'gpt-4-0125-preview': perMillion(10, 30),
  'gpt-4': perMillion(30, 60),
  'gpt-3.5-turbo': perMillion(0.5, 1.5),
  'gpt-3.5-turbo-1106': perMillion(1, 2),
  o1: perMillion(15, 60),
  'o1-mini': perMillion(1.1, 4.4),
  o3: perMillion(2, 8),
  'o3-mini': perMillion(1.1, 4.4),
  'o4-mini': perMillion(1.1, 4.4),
  // Anthropic, current.
  'claude-fable-5-2': perMillion(8, 40),
  'claude-fable-5-1': perMillion(10, 50),
  'claude-opus-5-5': perMillion(4, 20),
  'claude-opus-5': perMillion(5, 25),
  'claude-sonnet-5-5': perMillion(2, 10),
  'claude-sonnet-5': perMillion(2, 10),
  'claude-haiku-4-5': perMillion(1, 5),
  // Anthropic, older (claude-sonnet-4-5 reached end of life on 2026-11-30).
  'claude-sonnet-4-6': perMillion(3, 15),
  'claude-opus-4-5': perMillion(5, 25),
  'claude-opus-4-1': perMillion(15, 75),
  'claude-opus-4': perMillion(15, 75),
  'claude-sonnet-4-5': perMillion(3, 15),
  'claude-sonnet-4': perMillion(3, 15),
  'claude-3-7-sonnet': perMillion(3, 15),
  'claude-3-5-sonnet': perMillion(3, 15),
  'claude-3-5-haiku': perMillion(0.8, 4),
  'claude-3-opus': perMillion(15, 75),
  'claude-3-sonnet': perMillion(3, 15),
  'claude-3-haiku': perMillion(0.25, 1.25),
  // Open models as priced in the RouteLLM paper (hosted Mixtral).
  'mistralai/Mixtral-8x7B-Instruct-v0.1': perMillion(0.24, 0.24),
});

/**
 * The price of `model` in `prices`: an exact key first (case-insensitive), else the longest key that is a prefix of
 * the model id ending at a `-` boundary, so dated snapshots inherit their family's price. `undefined` when unknown:
 * callers decide, Baton never guesses a price.
 */
export function priceFor(model: string, prices: PriceTable = defaultPrices): ModelPrice | undefined {
  const wanted = model.toLowerCase();
  let best: { key: string; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(prices)) {
    const candidate = key.toLowerCase();
    if (candidate === wanted) return price;
    const isPrefix = wanted.startsWith(candidate) && wanted.charAt(candidate.length) === '-';
    if (isPrefix && (best === undefined || candidate.length > best.key.length)) best = { key: candidate, price };
  }
  return best?.price;
}

/** Dollars for `usage` on `model`. Throws a UserError naming `prices` when the model has no price. */
export function costOf(usage: TokenUsage, model: string, prices: PriceTable = defaultPrices): number {
  const price = priceFor(model, prices);
  if (price === undefined) throw missingPrice(model);
  return usage.inputTokens * price.inputPerToken + usage.outputTokens * price.outputPerToken;
}

/** The defaults with the caller's table laid over them. */
export function mergePrices(overrides: PriceTable | undefined): PriceTable {
  return overrides === undefined ? defaultPrices : { ...defaultPrices, ...overrides };
}

export function missingPrice(model: string): UserError {
  return new UserError(
    `no price known for model "${model}"; pass one, e.g. prices: { "${model}": { inputPerToken: 0, outputPerToken: 0 } } for a free local model`,
    { field: 'prices', code: 'user.missing-price' },
  );
}
