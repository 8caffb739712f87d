import { afterEach, describe, expect, it } from 'vitest';
import { agentName, buildChain, type Framework } from '@baton/bench-overhead';
import { probe } from './chain.ts';

const N = 5;
const expectedPath = Array.from({ length: N + 1 }, (_, i) => agentName(i));

describe('every implementation really hands the artifact along the chain', () => {
  afterEach(() => {
    probe.hop = () => {};
  });

  it.each<Framework>(['baton', 'batonAudit', 'batonEval', 'langgraph', 'openaiAgents', 'openaiAgentsFullHistory'])(
    '%s: N handoffs, in order, twice',
    async (framework) => {
      const chain = await buildChain(framework, N);
      let modelCalls = 0;
      probe.hop = () => {
        modelCalls++;
      };
      for (let run = 1; run <= 2; run++) {
        const result = await chain.run();
        expect(result.path).toEqual(expectedPath);
        expect(result.handoffs).toBe(N);
        // One scripted model call (or unit of work) per agent: N handoffs plus the last agent's answer.
        expect(modelCalls).toBe(run * (N + 1));
      }
    },
  );
});
