import { UserError } from '@baton/core';

/**
 * How long Redis keeps what episodes leave behind (the README's "Redis keys" lists every key and its lifetime). Give
 * the workers and the runtime the same values: each applies them to the keys and jobs it writes.
 */
export interface Retention {
  /**
   * Seconds an ended episode's result, path and skips are kept once its result is out (the driver deletes them when
   * it reads them), and the guard that makes re-adding one of its finished jobs a no-op. Default 3,600.
   */
  readonly finishedSeconds: number;
  /**
   * Seconds failed jobs are kept for inspection (at most FAILED_JOBS_KEPT per queue), and what an episode writes
   * while it runs: artifact versions, effect markers, its path and close count, outboxes. An effect marker must
   * outlive every delivery of its job (a retry, a stalled job taken back, a failed job retried by hand while it is
   * kept), so markers live as long as failed jobs; artifact versions are shared by content hash between episodes, so
   * one episode's end cannot shorten them. Default 86,400.
   */
  readonly failedSeconds: number;
  /**
   * Completed jobs kept per queue for inspection (their hashes have no TTL: this count bounds them, BullMQ trims the
   * oldest). Default 0: each job is removed as it completes.
   */
  readonly completedJobs: number;
}

export const DEFAULT_RETENTION: Retention = { finishedSeconds: 3600, failedSeconds: 86_400, completedJobs: 0 };

/** Failed jobs kept per queue at most, however young (BullMQ trims the oldest). */
export const FAILED_JOBS_KEPT = 1000;

/** The defaults with `options` over them, each checked (a bad value is a UserError naming `retention.<field>`). */
export function retentionOf(options: Partial<Retention> = {}): Retention {
  const retention = { ...DEFAULT_RETENTION, ...options };
  for (const [field, min] of [
    ['finishedSeconds', 1],
    ['failedSeconds', 1],
    ['completedJobs', 0],
  ] as const) {
    const value = retention[field];
    if (!Number.isSafeInteger(value) || value < min)
      throw new UserError(`must be a whole number, ${min} or more; got ${String(value)}`, { field: `retention.${field}` });
  }
  return retention;
}
