import type { JobsOptions } from 'bullmq';
import { DEFAULT_RETENTION, FAILED_JOBS_KEPT, type Retention } from './retention.ts';

/**
 * Options every Baton job is added with. A completed job is removed at once (or the last `completedJobs` kept), yet
 * re-adding its id (a replayed outbox) stays a no-op for `finishedSeconds`: BullMQ's duplicate guard (`de:<id>`)
 * outlives the job; after that the effect marker still refuses its effect. Failed jobs are kept for inspection;
 * failures are retried with a short fixed backoff (a Redis restart, a crashed worker).
 */
export function batonJobOptions(jobId: string, retention: Retention = DEFAULT_RETENTION): JobsOptions {
  return {
    jobId,
    removeOnComplete: retention.completedJobs > 0 ? { age: retention.finishedSeconds, count: retention.completedJobs } : true,
    removeOnFail: { age: retention.failedSeconds, count: FAILED_JOBS_KEPT },
    deduplication: { id: jobId, ttl: retention.finishedSeconds * 1000 },
    attempts: 25,
    backoff: { type: 'fixed', delay: 250 },
  };
}

/** Worker lock and stall settings: a SIGKILLed worker's jobs are back in the queue within a few seconds. */
export const BATON_WORKER_TIMING = { lockDuration: 3000, stalledInterval: 1500, maxStalledCount: 1000 } as const;
