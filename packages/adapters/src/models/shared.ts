import { ProviderError, UserError, type GenerateOptions, type TokenUsage } from '@baton/core';
import type { z } from 'zod';
import { invalidResponse } from './provider-error.ts';
import { costOf, mergePrices, missingPrice, priceFor, type PriceTable } from './prices.ts';
import type { RetryPolicy } from './retry.ts';

/** A call's deadline when the settings give none: well under a minute for one answer in one piece. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** A streamed call's deadline when the settings give none: long answers stream for a while. */
export const DEFAULT_STREAM_DEADLINE_MS = 120_000;
/** The largest answer accepted when the settings say nothing: far above any chat answer, far below harm. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Settings every model factory takes. */
export interface ModelSettings {
  /** The model id sent to the provider, e.g. `gpt-5-mini` or `claude-haiku-4-5`. */
  readonly model: string;
  /** Prices laid over {@link defaultPrices}; the model must have one, so dollars are never silently zero. */
  readonly prices?: PriceTable;
  /** Retry policy; see {@link RetryPolicy} for defaults. */
  readonly retry?: RetryPolicy;
  /**
   * Deadline of one call, every attempt and every wait between them included, so a hanging server costs this and
   * no more. Default 30 000 ms, or 120 000 ms for a streamed call.
   */
  readonly deadlineMs?: number;
  /** Deadline of one attempt, streamed body included. Default: whatever is left of `deadlineMs`. */
  readonly timeoutMs?: number;
  /** Answers bigger than this are `provider.invalid-response` (OpenAI and Anthropic adapters). Default 8 MiB. */
  readonly maxResponseBytes?: number;
}

/** Validated settings plus the price table, resolved once at construction so a bad config fails before any call. */
export interface ResolvedSettings {
  readonly model: string;
  readonly prices: PriceTable;
  readonly retry: RetryPolicy | undefined;
  readonly deadlineMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly maxResponseBytes: number;
}

export function resolveSettings(settings: ModelSettings): ResolvedSettings {
  if (typeof settings.model !== 'string' || settings.model.trim() === '') throw new UserError('must name a model', { field: 'model' });
  const positive = (value: number | undefined, field: string): number | undefined => {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new UserError('must be a positive number', { field });
    return value;
  };
  const prices = mergePrices(settings.prices);
  if (priceFor(settings.model, prices) === undefined) throw missingPrice(settings.model);
  return {
    model: settings.model,
    prices,
    retry: settings.retry,
    deadlineMs: positive(settings.deadlineMs, 'deadlineMs'),
    timeoutMs: positive(settings.timeoutMs, 'timeoutMs'),
    maxResponseBytes: positive(settings.maxResponseBytes, 'maxResponseBytes') ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
}

/** The deadlines of one call: the call's own and each attempt's (never more than the call's). */
export function deadlinesOf(settings: ResolvedSettings, streamed: boolean): { deadlineMs: number; timeoutMs: number } {
  const deadlineMs = settings.deadlineMs ?? (streamed ? DEFAULT_STREAM_DEADLINE_MS : DEFAULT_DEADLINE_MS);
  return { deadlineMs, timeoutMs: Math.min(settings.timeoutMs ?? deadlineMs, deadlineMs) };
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

/** `value` checked against the shape an adapter reads; anything else is `provider.invalid-response` naming the spot. */
export function shaped<T>(provider: string, schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalidResponse(provider, `${what} has the wrong shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected'})`);
}

/**
 * Current models refuse sampling settings: Anthropic's since Opus 4.7 and Sonnet 5 answer HTTP 400 "`temperature` is
 * deprecated for this model", OpenAI's reasoning models refuse any temperature but the default. Baton's agents ask
 * for temperature 0, so the first such refusal makes the adapter drop `temperature` for the rest of its life and ask
 * again at once, rather than fail every call. Returns the runner an adapter routes each call through.
 */
export function temperatureFallback(): <T>(options: GenerateOptions, call: (options: GenerateOptions) => Promise<T>) => Promise<T> {
  let refused = false;
  const without = ({ temperature: _dropped, ...rest }: GenerateOptions): GenerateOptions => rest;
  return async (options, call) => {
    if (options.temperature === undefined) return call(options);
    if (refused) return call(without(options));
    try {
      return await call(options);
    } catch (error) {
      const refusal = error instanceof ProviderError && error.status === 400 && /temperature/i.test(error.providerMessage);
      if (!refusal) throw error;
      refused = true;
      return call(without(options));
    }
  };
}
