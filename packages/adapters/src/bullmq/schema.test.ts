import { describe, expect, it } from 'vitest';
import { InvalidJobError, parseAgentJob, parseInboxEntry } from './schema.ts';

const ctx = {
  episodeId: 'ep-1',
  seed: 3,
  learn: true,
  explore: false,
  book: { time: 1, steps: 1, handoffs: 0, decisions: 1, tokens: 0, costUsd: 0, discounted: 0 },
  rng: [1, 2, 3, 4],
  artifactHash: 'abc',
};

describe('queue boundary checks (compiled schemas)', () => {
  it('return a payload that fits as it was sent, and name the first bad field of one that does not', () => {
    const job = { kind: 'receive', ctx, from: { agent: 'a', handoffId: 'ep-1/h0' } };
    expect(parseAgentJob(job)).toBe(job);
    const entry = { kind: 'scalar', episodeId: 'ep-1', handoffId: 'ep-1/h0', scalar: 0.5 };
    expect(parseInboxEntry(entry)).toBe(entry);
    const bad: [unknown, string][] = [
      [{ ...job, ctx: { ...ctx, book: { ...ctx.book, steps: -1 } } }, 'ctx.book.steps'],
      [{ ...job, ctx: { ...ctx, rng: [1, 2, 3, 4.5] } }, 'ctx.rng.3'],
      [{ kind: 'continue', ctx: { ...ctx, episodeId: '' } }, 'ctx.episodeId'],
      [null, '(root)'],
    ];
    for (const [data, field] of bad) {
      const error = (() => {
        try {
          parseAgentJob(data);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidJobError);
      expect((error as InvalidJobError).field).toBe(field);
    }
    expect(() => parseInboxEntry({ ...entry, scalar: Number.POSITIVE_INFINITY })).toThrow(/^inbox entry: scalar: /);
  });
});
