import { defaultPrices, missingPrice, priceFor, type ModelPrice, type PriceTable } from '../models/prices.ts';
import { getEncoding, type Tiktoken } from 'js-tiktoken';

/** Dollars per token for one model (the shared price table's shape). */
export type TokenPrice = ModelPrice;

/** The shared price table (`defaultPrices`), which prices both RouteLLM models as the RouteLLM paper does. */
export function replayDefaultPrices(): Record<string, TokenPrice> {
  return { ...defaultPrices };
}

/** The price of `model` in `prices`; a UserError naming the model when there is none (never a silent zero). */
export function priceOf(model: string, prices: PriceTable): TokenPrice {
  const price = priceFor(model, prices);
  if (!price) throw missingPrice(model);
  return price;
}

let encoder: Tiktoken | undefined;
const counted = new Map<string, number>();

/**
 * Tokens in `text` by OpenAI's cl100k_base encoding. Every model is counted with it (Mixtral's own tokenizer gives
 * counts within a few percent on English math text), so dollar figures compare models on one ruler.
 */
export function countTokens(text: string): number {
  const hit = counted.get(text);
  if (hit !== undefined) return hit;
  encoder ??= getEncoding('cl100k_base');
  const n = encoder.encode(text).length;
  if (counted.size > 100_000) counted.clear();
  counted.set(text, n);
  return n;
}
