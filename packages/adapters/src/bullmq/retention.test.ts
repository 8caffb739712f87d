import { describe, expect, it } from 'vitest';
import { batonJobOptions } from './job-options.ts';
import { DEFAULT_RETENTION, retentionOf } from './retention.ts';

describe('retention', () => {
  it('fills in the defaults and names a bad field', () => {
    expect(retentionOf({ finishedSeconds: 60 })).toEqual({ ...DEFAULT_RETENTION, finishedSeconds: 60 });
    expect(() => retentionOf({ failedSeconds: 0 })).toThrow(/retention\.failedSeconds: must be a whole number, 1 or more; got 0/);
    expect(() => retentionOf({ completedJobs: 1.5 })).toThrow(/retention\.completedJobs/);
  });

  it('removes completed jobs at once unless some are kept, and guards re-adds for finishedSeconds', () => {
    const options = batonJobOptions('ep.e', retentionOf({ finishedSeconds: 60 }));
    expect(options).toMatchObject({ jobId: 'ep.e', removeOnComplete: true, deduplication: { id: 'ep.e', ttl: 60_000 } });
    expect(options.removeOnFail).toEqual({ age: DEFAULT_RETENTION.failedSeconds, count: 1000 });
    expect(batonJobOptions('x', retentionOf({ completedJobs: 5 })).removeOnComplete).toEqual({ age: 3600, count: 5 });
  });
});
