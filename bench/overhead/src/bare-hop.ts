import { agentName, probe, type Chain } from './chain.ts';

/** The floor: N awaited async calls passing a string along, no framework at all. */
export function buildBareHopChain(handoffs: number): Chain {
  const hop = async (artifact: string, i: number): Promise<string> => {
    probe.hop();
    return i < 0 ? '' : artifact;
  };
  return {
    async run() {
      let artifact = 'draft';
      for (let i = 0; i < handoffs; i++) artifact = await hop(artifact, i);
      // The path is implied by the loop; build it only for the test's sake, outside any framework.
      return { path: Array.from({ length: handoffs + 1 }, (_, i) => agentName(i)), handoffs };
    },
  };
}
