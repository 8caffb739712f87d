import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError, UserError } from '@baton/core';
import pRetry from 'p-retry';
import { retryAfterOf, toProviderError } from './provider-error.ts';
import { afterDelivery } from './shared.ts';

/**
 * How one model call retries. Backoff is exponential with jitter (p-retry); a server's `retry-after-ms` /
 * `retry-after` wins when it asks for longer. Only retryable ProviderErrors (429, 408, 409, 5xx, timeouts, dropped
 * connections) are retried; 400/401/403/404 fail at once.
 */
export interface RetryPolicy {
  /** Attempts per call, the first included. Default 4. `1` disables retries. */
  readonly maxAttempts?: number;
  /** Backoff before the first retry, before jitter. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Cap on one computed backoff (a server's retry-after may exceed it). Default 20 s. */
  readonly maxDelayMs?: number;
  /** Cap on the total time one call may spend waiting between attempts. Default 60 s. */
  readonly maxTotalWaitMs?: number;
  /** Multiply each backoff by a random factor in [1, 2) so clients that failed together do not retry together. Default true. */
  readonly jitter?: boolean;
  /** A budget shared by many calls (one episode), so a flaky provider cannot eat an episode's wall clock. */
  readonly budget?: RetryBudget;
}

/** Limits of a {@link RetryBudget}. Both default to unlimited. */
export interface RetryBudgetLimits {
  readonly maxRetries?: number;
  readonly maxWaitMs?: number;
}

/**
 * Retries and waiting shared across calls: give one to every model of an episode and the episode, not each call,
 * bounds how long it spends backing off. Not thread-safe across processes; one per episode per process.
 */
export class RetryBudget {
  private retriesUsed = 0;
  private waitUsedMs = 0;

  constructor(readonly limits: RetryBudgetLimits = {}) {
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0))
        throw new UserError('must be a non-negative number', { field: `retry.budget.${name}` });
    }
  }

  /** Retries booked so far. */
  get retries(): number {
    return this.retriesUsed;
  }

  /** Milliseconds of waiting booked so far. */
  get waitedMs(): number {
    return this.waitUsedMs;
  }

  /** Books one retry after `waitMs`; returns false, booking nothing, when that would overrun a limit. */
  tryConsume(waitMs: number): boolean {
    if (this.retriesUsed + 1 > (this.limits.maxRetries ?? Infinity)) return false;
    if (this.waitUsedMs + waitMs > (this.limits.maxWaitMs ?? Infinity)) return false;
    this.retriesUsed += 1;
    this.waitUsedMs += waitMs;
    return true;
  }
}

/** What {@link callWithRetries} needs besides the attempt itself. */
export interface AttemptOptions {
  readonly provider: string;
  readonly policy: RetryPolicy | undefined;
  /** Deadline of the whole call: every attempt and every wait between attempts. */
  readonly deadlineMs: number;
  /** Deadline of one attempt, streamed body included; never more than what is left of `deadlineMs`. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly secrets: readonly string[];
  /** True once streamed text reached the caller: a failure after that is not retried (see `afterDelivery`). */
  readonly delivered?: () => boolean;
}

/**
 * Runs `attempt` under the retry policy and the call's deadline. Each attempt gets a signal that fires on the
 * caller's abort, the call deadline or the attempt's own timeout; every failure becomes a ProviderError, and whatever
 * an attempt threw after its time ran out (a stream the SDK ended quietly on abort, say) is a `provider.timeout`.
 * A wait that would outlast the deadline is not started. A caller abort rejects with the signal's reason (an
 * `AbortError`), as `fetch` does, and is never retried.
 */
export async function callWithRetries<T>(attempt: (signal: AbortSignal) => Promise<T>, options: AttemptOptions): Promise<T> {
  const policy = options.policy ?? {};
  const maxAttempts = checkedInteger(policy.maxAttempts ?? 4, 'retry.maxAttempts', 1);
  const initialDelayMs = policy.initialDelayMs ?? 500;
  const maxDelayMs = policy.maxDelayMs ?? 20_000;
  const maxTotalWaitMs = policy.maxTotalWaitMs ?? 60_000;
  const startedAt = performance.now();
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const callSignal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const left = () => options.deadlineMs - (performance.now() - startedAt);
  let waitedMs = 0;
  let attempts = 0;
  let last: ProviderError | undefined;
  try {
    return await pRetry(
      async () => {
        attempts += 1;
        const timeoutMs = Math.max(1, Math.min(options.timeoutMs, Math.ceil(left())));
        const timer = AbortSignal.timeout(timeoutMs);
        try {
          return await attempt(AbortSignal.any([callSignal, timer]));
        } catch (error) {
          const failure = toProviderError(error, {
            provider: options.provider,
            secrets: options.secrets,
            ...(timer.aborted || deadline.aborted ? { timedOutAfterMs: timeoutMs } : {}),
          });
          last = failure.retryable && options.delivered?.() ? afterDelivery(failure) : failure;
          throw last;
        }
      },
      {
        retries: maxAttempts - 1,
        factor: 2,
        minTimeout: initialDelayMs,
        maxTimeout: maxDelayMs,
        // p-retry sleeps the plain exponential backoff after onFailedAttempt; jitter and a server's hint add to it there.
        randomize: false,
        signal: callSignal,
        // Decides and waits for the server's hint here: throwing ends the retries with that error.
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!(error instanceof ProviderError) || !error.retryable || retriesLeft === 0) throw error;
          const backoff = Math.min(initialDelayMs * 2 ** (attemptNumber - 1), maxDelayMs);
          const jittered = (policy.jitter ?? true) ? Math.min(Math.round(backoff * (1 + Math.random())), maxDelayMs) : backoff;
          const wait = Math.max(jittered, retryAfterOf(error) ?? 0);
          if (waitedMs + wait > maxTotalWaitMs || wait >= left()) throw error;
          if (policy.budget && !policy.budget.tryConsume(wait)) throw error;
          waitedMs += wait;
          if (wait > backoff) await sleep(wait - backoff, undefined, { signal: callSignal });
        },
        shouldRetry: () => true,
      },
    );
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) throw deadlineError(options, attempts, last);
    throw error;
  }
}

/** The call's own deadline passed (during an attempt or a wait). */
function deadlineError(options: AttemptOptions, attempts: number, last: ProviderError | undefined): ProviderError {
  const lastWords = last === undefined || last.code === 'provider.timeout' ? '' : `; last failure: ${last.message}`;
  return new ProviderError(
    `${options.provider}: no complete answer within the call deadline of ${options.deadlineMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'}${lastWords})`,
    { provider: options.provider, retryable: true, code: 'provider.timeout', ...(last === undefined ? {} : { cause: last }) },
  );
}

function checkedInteger(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UserError(`must be an integer >= ${min}`, { field });
  return value;
}
