import { describe, expect, it } from 'vitest';
import type { BatonEvent } from '@baton/core';
import { relayRuntime } from '@baton/core/test';
import { eventJson } from './serialize.ts';

describe('eventJson', () => {
  it('writes every runtime event with the same content and key order as JSON.stringify', async () => {
    const events: BatonEvent[] = [];
    const runtime = relayRuntime([(e) => void events.push(e)]);
    for (let seed = 1; seed <= 30; seed++) await runtime.runEpisode({ seed, input: { n: 0, note: '' }, learn: seed % 2 === 0 });
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(8);
    for (const e of events) expect(eventJson(e)).toBe(JSON.stringify(e));
  });

  it('escapes ids with quotes, controls and lone surrogates, and writes non-finite numbers as null', () => {
    const odd = 'a"b\\c\n\u0001\ud800';
    const events: BatonEvent[] = [
      { type: 'handoff', episodeId: odd, time: 1, handoffId: odd, from: odd, to: 'x', artifactHash: 'h', skipped: [odd, 'y'] },
      { type: 'decision', episodeId: 'e', time: 0, agent: odd, view: { projection: { n: -0 }, privateState: { u: 1 } }, legal: ['continue', 'submit'], qValues: { continue: NaN, submit: -0 }, action: 'submit', explored: false, artifactHash: 'h' },
      { type: 'episode-end', episodeId: 'e', time: Infinity, return: 1e-7, terminalReward: 1e21, steps: 3, handoffs: 0, costUsd: 0.1 + 0.2 },
      { type: 'scalar-return', episodeId: 'e', time: 2, handoffId: 'h0', from: 'a', to: 'b', scalar: -1.5 },
    ];
    for (const e of events) expect(eventJson(e)).toBe(JSON.stringify(e));
  });
});
