import { handoffTarget, type Action, type InterfaceView, type Workflow } from '@baton/core';
import type { EpochModel, EpochStep } from '../exact.ts';
import { checkRelayConfig, relayAgent, relayAgents, relayProjection, relaySuccess, relayWorkflow, type RelayConfig } from './relay.ts';

/**
 * The relay at its decision epochs. A joint state is (stage j, worker, type, parts 1..j+1 as bits): later parts are
 * still untouched. Stage 0 has 4 states, stage j >= 1 has 2^(j+3), numbered from 2^(j+3) - 12.
 */
export function relayModel(config: RelayConfig): EpochModel {
  checkRelayConfig(config);
  const K = config.stages;
  const gamma = config.discount;
  const offset = (j: number) => (j === 0 ? 0 : 2 ** (j + 3) - 12);
  const index = (j: number, worker: number, type: number, bits: number) => offset(j) + ((worker * 2 + type) << (j + 1)) + bits;
  const states: { stage: number; worker: number; type: 0 | 1; bits: number }[] = [];
  for (let j = 0; j < K; j++)
    for (let worker = 0; worker < (j === 0 ? 1 : 2); worker++)
      for (const type of [0, 1] as const) for (let bits = 0; bits < 2 ** (j + 1); bits++) states.push({ stage: j, worker, type, bits });
  const ids = relayAgents(config);
  const views = (['interface', 'joint'] as const).map((view) =>
    states.map(({ stage, worker, type, bits }): { view: InterfaceView; p: number }[] => {
      const holder = ids.indexOf(relayAgent(stage, worker));
      return [{ view: { projection: relayProjection(view, holder, stage, K, { type, done: bits }), privateState: {} }, p: 1 }];
    }),
  );
  /** The unit of work by (stage j, worker) on (type, bits), discounted by `lead` (the handoff's transfer). */
  const work = (j: number, worker: number, type: number, bits: number, lead: number): EpochStep => {
    const p = relaySuccess(config, j, worker, type);
    return {
      reward: -lead * config.cost,
      next: [
        [index(j, worker, type, bits | (1 << j)), lead * gamma * p],
        [index(j, worker, type, bits), lead * gamma * (1 - p)],
      ],
    };
  };
  const all = 2 ** K - 1;
  const at = (s: number) => states[s] as (typeof states)[number];
  return {
    workflow: relayWorkflow(config) as Workflow<unknown>,
    size: states.length,
    holder: (s) => relayAgent(at(s).stage, at(s).worker),
    views: (s, view) =>
      (views[view === 'joint' ? 1 : 0] as { view: InterfaceView; p: number }[][])[s] as { view: InterfaceView; p: number }[],
    terminal: (s) => (at(s).bits === all ? 1 : 0),
    step(s, a: Action) {
      const { stage, type, bits } = at(s);
      const to = handoffTarget(a);
      const worker = [0, 1].find((w) => relayAgent(stage + 1, w) === to);
      if (worker === undefined) throw new Error(`the relay has no action ${a} at ${relayAgent(stage, at(s).worker)}`);
      return work(stage + 1, worker, type, bits, gamma);
    },
    start: {
      reward: -config.cost,
      next: [0, 1].flatMap((type) => work(0, 0, type, 0, 1).next.map(([to, w]) => [to, w / 2] as const)),
    },
  };
}
