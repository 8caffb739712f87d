import { ProviderError, UserError, type TokenUsage } from '@baton/core';
import { costOf, mergePrices, missingPrice, priceFor, type PriceTable } from './prices.ts';
import type { RetryPolicy } from './retry.ts';

/** Settings every model factory takes. */
export interface ModelSettings {
  /** The model id sent to the provider, e.g. `gpt-4o-mini` or `claude-3-5-haiku-latest`. */
  readonly model: string;
  /** Prices laid over {@link defaultPrices}; the model must have one, so dollars are never silently zero. */
  readonly prices?: PriceTable;
  /** Retry policy; see {@link RetryPolicy} for defaults. */
  readonly retry?: RetryPolicy;
  /** Deadline per attempt for the whole answer, streamed body included. Default 60 000 ms. */
  readonly timeoutMs?: number;
}

/** Validated settings plus the price table, resolved once at construction so a bad config fails before any call. */
export interface ResolvedSettings {
  readonly model: string;
  readonly prices: PriceTable;
  readonly retry: RetryPolicy | undefined;
  readonly timeoutMs: number;
}

export function resolveSettings(settings: ModelSettings): ResolvedSettings {
  if (typeof settings.model !== 'string' || settings.model.trim() === '') throw new UserError('must name a model', { field: 'model' });
  const timeoutMs = settings.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new UserError('must be a positive number of milliseconds', { field: 'timeoutMs' });
  const prices = mergePrices(settings.prices);
  if (priceFor(settings.model, prices) === undefined) throw missingPrice(settings.model);
  return { model: settings.model, prices, retry: settings.retry, timeoutMs };
}

/** Dollars for a call: priced by the model the provider reports when the table knows it, else by the one requested. */
export function dollars(usage: TokenUsage, reportedModel: string, settings: ResolvedSettings): number {
  return costOf(usage, priceFor(reportedModel, settings.prices) ? reportedModel : settings.model, settings.prices);
}

/**
 * Wraps `onDelta` so the adapter knows whether text already reached the caller: a stream that breaks after that is
 * not retried (the caller would see the text twice) but reported as a retryable ProviderError for the caller to decide.
 */
export function deltaTracker(onDelta: ((text: string) => void) | undefined): { emit: (text: string) => void; readonly delivered: boolean } {
  let delivered = false;
  return {
    emit(text: string) {
      if (text === '' || onDelta === undefined) return;
      delivered = true;
      onDelta(text);
    },
    get delivered() {
      return delivered;
    },
  };
}

/** A stream that ended before the provider said it was done. */
export function truncatedStream(provider: string, detail: string): ProviderError {
  return new ProviderError(`${provider}: the stream ended before the answer was complete (${detail})`, {
    provider,
    retryable: true,
    code: 'provider.stream-truncated',
  });
}

/** Marks a failure after streamed text reached the caller as final for this call. */
export function afterDelivery(error: ProviderError): ProviderError {
  return new ProviderError(`${error.message} (after part of the answer was streamed; not retried)`, {
    provider: error.provider,
    ...(error.status === undefined ? {} : { status: error.status }),
    retryable: false,
    providerMessage: error.providerMessage,
    code: 'provider.stream-interrupted',
    cause: error,
  });
}

export function apiKeyFrom(explicit: string | undefined, envVar: string, required: boolean, provider: string): string | undefined {
  const key = explicit ?? process.env[envVar];
  if (key !== undefined && key !== '') return key;
  if (!required) return undefined;
  throw new UserError(`no API key for ${provider}: set the ${envVar} environment variable or pass apiKey`, {
    field: 'apiKey',
    code: 'user.missing-api-key',
  });
}
