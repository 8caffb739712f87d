import { UserError } from '@baton/core';
import { costOf, defaultPrices, priceFor } from '@baton/adapters';
import { describe, expect, it } from 'vitest';

describe('prices', () => {
  it('knows the models Baton benchmarks with', () => {
    expect(priceFor('gpt-4-1106-preview')).toEqual({ inputPerToken: 10e-6, outputPerToken: 30e-6 });
    expect(priceFor('mistralai/Mixtral-8x7B-Instruct-v0.1')).toEqual({ inputPerToken: 0.24e-6, outputPerToken: 0.24e-6 });
    expect(priceFor('claude-3-5-haiku-20241022')).toBe(defaultPrices['claude-3-5-haiku']);
  });

  it('knows the current vendor models the defaults use, and a family prefix never shadows an exact id', () => {
    expect(priceFor('gpt-6-luna')).toEqual({ inputPerToken: 0.1 / 1e6, outputPerToken: 0.5 / 1e6 });
    expect(priceFor('gpt-6.1-sol')).toEqual({ inputPerToken: 2 / 1e6, outputPerToken: 10 / 1e6 });
    expect(priceFor('claude-sonnet-5-5')).toEqual({ inputPerToken: 2 / 1e6, outputPerToken: 10 / 1e6 });
    expect(priceFor('claude-opus-5-5')).not.toBe(defaultPrices['claude-opus-5']);
    expect(priceFor('claude-opus-5-5-20261124')).toBe(defaultPrices['claude-opus-5-5']);
  });

  it('prices dated snapshots by the longest family prefix at a dash, never across a word', () => {
    expect(priceFor('gpt-4o-2024-08-06')).toBe(defaultPrices['gpt-4o']);
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(defaultPrices['gpt-4o-mini']);
    expect(priceFor('gpt-4-0613')).toBe(defaultPrices['gpt-4']);
    expect(priceFor('gpt-4.1-nano-2025-04-14')).toBe(defaultPrices['gpt-4.1-nano']);
    expect(priceFor('gpt-4x')).toBeUndefined();
    expect(priceFor('llama3')).toBeUndefined();
  });

  it('turns usage into dollars, with user prices', () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, 'gpt-4-1106-preview')).toBeCloseTo(40, 9);
    const prices = { 'my-model': { inputPerToken: 1e-3, outputPerToken: 2e-3 } };
    expect(costOf({ inputTokens: 10, outputTokens: 5 }, 'my-model', prices)).toBeCloseTo(0.02, 12);
  });

  it('refuses to guess a price', () => {
    expect(() => costOf({ inputTokens: 1, outputTokens: 1 }, 'mystery')).toThrow(UserError);
    expect(() => costOf({ inputTokens: 1, outputTokens: 1 }, 'mystery')).toThrow(/prices/);
  });
});
