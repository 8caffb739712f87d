import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter } from '@baton/core';
import { callWithRetries } from './retry.ts';
import { deadlinesOf, deltaTracker, dollars, temperatureFallback, type ResolvedSettings } from './shared.ts';

/** What a vendor adapter answers before Baton prices and times it. */
export type Answer = Omit<GenerateResult, 'costUsd' | 'latencyMs'>;

/** How one vendor SDK is called: request params from the messages, and the JSON and streamed calls. */
export interface VendorCalls<P> {
  readonly provider: string;
  readonly settings: ResolvedSettings;
  /** Strings no error may show (the API key). */
  readonly secrets: readonly string[];
  params(messages: readonly ChatMessage[], options: GenerateOptions): P;
  whole(params: P, signal: AbortSignal): Promise<Answer>;
  streamed(params: P, signal: AbortSignal, emit: (text: string) => void): Promise<Answer>;
}

/**
 * The `generate` of a vendor adapter: the call under Baton's retries and deadlines (streamed when the caller passes
 * `onDelta`), the temperature fallback, then dollars from the price table and the latency.
 */
export function vendorGenerate<P>(calls: VendorCalls<P>): ModelAdapter['generate'] {
  const sampling = temperatureFallback();
  return async (messages, options = {}) => {
    const started = performance.now();
    const deltas = deltaTracker(options.onDelta);
    const answer = await sampling(options, (chosen) => {
      const params = calls.params(messages, chosen);
      return callWithRetries((signal) => (options.onDelta ? calls.streamed(params, signal, deltas.emit) : calls.whole(params, signal)), {
        provider: calls.provider,
        policy: calls.settings.retry,
        ...deadlinesOf(calls.settings, options.onDelta !== undefined),
        signal: options.signal,
        secrets: calls.secrets,
        delivered: () => deltas.delivered,
      });
    });
    return { ...answer, costUsd: dollars(answer.usage, answer.model, calls.settings), latencyMs: performance.now() - started };
  };
}
