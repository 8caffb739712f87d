import { describe, expect, it } from 'vitest';
import { Rng } from '@baton/core';
import { defaultWorkflows, relayPlaygroundWorkflow } from '@baton/playground';

describe('the relay (chain knob) in the playground', () => {
  it('is listed with the chain knob methods, and draws the agents of the chosen length', async () => {
    expect(defaultWorkflows.map((w) => w.info.id)).toContain('relay');
    expect(relayPlaygroundWorkflow.info.methods).toEqual(['icq-tabular', 'independent-mc', 'ucb-bandit', 'centralized-oracle', 'random']);
    const session = await relayPlaygroundWorkflow.open({ stages: 6, noise: 1 });
    expect(session.agents?.map((a) => a.id)).toEqual(['stage1', ...[2, 3, 4, 5, 6].flatMap((j) => [`stage${j}a`, `stage${j}b`])]);
    expect(session.agents?.[0]?.successors).toEqual(['stage2a', 'stage2b']);
    expect(session.agents?.at(-1)?.successors).toEqual([]);
  });

  it('scores exactly: random is 0, learners end between random and the optimum, IC-Q ahead of random', async () => {
    const session = await relayPlaygroundWorkflow.open({ stages: 4, noise: 1 });
    const train = async (method: string, episodes: number) => {
      const learner = await session.createLearner(method, 1);
      const rng = new Rng(11);
      const events: string[] = [];
      for (let e = 0; e < episodes; e++)
        await learner.runEpisode(rng.int(2 ** 31), rng, e === 0 ? (ev) => void events.push(ev.type) : undefined);
      expect(events).toContain('handoff');
      return learner.score();
    };
    expect(await train('random', 1)).toBeCloseTo(0, 9);
    const icq = await train('icq-tabular', 1500);
    expect(icq).toBeGreaterThan(0.2);
    expect(icq).toBeLessThanOrEqual(1 + 1e-9);
  });
});
