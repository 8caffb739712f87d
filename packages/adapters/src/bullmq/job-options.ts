import type { JobsOptions } from 'bullmq';

/**
 * Options every Baton job is added with. Completed jobs are kept for an hour so that re-adding a job id (a replayed
 * outbox) is a no-op in BullMQ; failures are retried with a short fixed backoff (a Redis restart, a crashed worker).
 */
export const BATON_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 86_400 },
  attempts: 25,
  backoff: { type: 'fixed', delay: 250 },
};

/** Worker lock and stall settings: a SIGKILLed worker's jobs are back in the queue within a few seconds. */
export const BATON_WORKER_TIMING = { lockDuration: 3000, stalledInterval: 1500, maxStalledCount: 1000 } as const;
