import { UserError } from '@baton/core';

/**
 * The synthetic IC-SMDP (the paper's controlled experiment), as one set of dynamics shared by the simulator (a real
 * Workflow run by the runtime) and the exact model (`model.ts`, scored in `exact.ts`). Three agents pass one artifact
 * (kind, progress, flaw):
 * - `drafter` (entry) is good at kind 0, `solver` at kinds 1 and 2; both advance progress and may introduce a flaw;
 * - `checker` fixes flaws and is the only agent allowed to submit;
 * - each unit of work takes a random duration, has a price, and gets less effective with fatigue
 *   (consecutive work by the same holder: the agents' private state).
 * Projections: drafter and solver see (kind, progress) but not the flaw; the checker sees (progress, flaw) but not
 * the kind. No agent sees the whole artifact.
 */
export interface SyntheticConfig {
  /** Interface-gap knob in [0, 1]: probability that a drafter/solver projection shows a random kind. */
  readonly interfaceGap: number;
  /**
   * Mixing knob in [0, 1]: share of work units whose duration is heavy-tailed (slower mixing of the handoff chain),
   * at the same E[gamma^tau], so the optimum does not move (see `durationDistribution`).
   */
  readonly mixing: number;
  /** gamma per unit of duration. */
  readonly discount: number;
}

export const DEFAULT_SYNTHETIC: SyntheticConfig = { interfaceGap: 0, mixing: 0.15, discount: 0.95 };

export const AGENTS = ['drafter', 'solver', 'checker'] as const;
export type SyntheticAgent = (typeof AGENTS)[number];
export const KINDS = 3;
/** Progress runs 0..LEVELS; LEVELS is complete. */
export const LEVELS = 3;
/** Fatigue is counted up to this many consecutive work units. */
export const MAX_FATIGUE = 2;

/** P(work advances progress) per agent and artifact kind, before fatigue. */
const SKILL: Record<SyntheticAgent, readonly number[]> = {
  drafter: [0.85, 0.25, 0.2],
  solver: [0.3, 0.85, 0.6],
  checker: [0.15, 0.15, 0.15],
};
/** P(an advance introduces a flaw) when there is none. */
const FLAW_RATE: Record<SyntheticAgent, number> = { drafter: 0.35, solver: 0.2, checker: 0 };
const FIX_RATE = 0.9;
/** Cost per unit of base duration (a unit of work costs COST * BASE_DURATION, however long it took). */
const COST: Record<SyntheticAgent, number> = { drafter: 0.01, solver: 0.02, checker: 0.01 };
const BASE_DURATION: Record<SyntheticAgent, number> = { drafter: 1, solver: 2, checker: 1 };
const FATIGUE_PENALTY = 0.1;
/** Time a handoff takes: makes needless ping-pong cost something. */
export const TRANSFER_TIME = 1;

export const SUCCESSORS: Record<SyntheticAgent, readonly SyntheticAgent[]> = {
  drafter: ['solver', 'checker'],
  solver: ['checker', 'drafter'],
  checker: ['drafter', 'solver'],
};

export interface SyntheticState {
  readonly kind: number;
  readonly progress: number;
  readonly flaw: 0 | 1;
}

export interface Outcome {
  readonly progress: number;
  readonly flaw: 0 | 1;
  readonly p: number;
}

export function checkSyntheticConfig(config: SyntheticConfig): SyntheticConfig {
  for (const key of ['interfaceGap', 'mixing'] as const) {
    const v = config[key];
    if (!(v >= 0 && v <= 1)) throw new UserError(`must be in [0, 1], got ${v}`, { field: key });
  }
  if (!(config.discount > 0 && config.discount < 1))
    throw new UserError(`must be in (0, 1), got ${config.discount}`, { field: 'discount' });
  return config;
}

/** The distribution of progress/flaw after one unit of work by `agent` with `fatigue` prior consecutive units. */
export function workOutcomes(config: SyntheticConfig, agent: SyntheticAgent, s: SyntheticState, fatigue: number): Outcome[] {
  const factor = 1 - FATIGUE_PENALTY * Math.min(fatigue, MAX_FATIGUE);
  const same: Outcome = { progress: s.progress, flaw: s.flaw, p: 0 };
  const out: Outcome[] = [];
  let pSame = 0;
  if (agent === 'checker' && s.flaw === 1) {
    out.push({ progress: s.progress, flaw: 0, p: FIX_RATE });
    pSame += 1 - FIX_RATE;
  } else if (s.progress < LEVELS) {
    const advance = (SKILL[agent][s.kind] as number) * factor;
    const flawRate = s.flaw === 0 ? FLAW_RATE[agent] : 0;
    if (flawRate > 0) out.push({ progress: s.progress + 1, flaw: 1, p: advance * flawRate });
    out.push({ progress: s.progress + 1, flaw: s.flaw, p: advance * (1 - flawRate) });
    pSame += 1 - advance;
  } else {
    pSame += 1;
  }
  out.push({ ...same, p: pSame });
  return out.filter((o) => o.p > 0);
}

/** The long stall of the heavy duration law, in multiples of the agent's base duration. */
const STALL = 20;
/** The short side of the heavy duration law. */
const QUICK = 0.1;

/**
 * The distribution of one work unit's duration. With probability `1 - mixing` it is the agent's base duration b;
 * otherwise it comes from a heavy two-point law (b * 0.1, or a stall of b * 20) whose stall probability (7 % for
 * b = 1, 10 % for b = 2 at gamma = 0.95) is set so that E[gamma^tau] = gamma^b exactly. A unit's cost does not depend on its duration, so E[r] and E[gamma^tau]
 * - all the Bellman equation sees - are the same at every knob value: the optimum and every policy's exact value
 * stay put, and only the variance of gamma^tau (the noise in bootstrap targets and returns) grows with the knob.
 */
export function durationDistribution(config: SyntheticConfig, agent: SyntheticAgent): { tau: number; p: number }[] {
  const base = BASE_DURATION[agent];
  const g = (z: number) => Math.pow(config.discount, base * z);
  const stall = (g(QUICK) - g(1)) / (g(QUICK) - g(STALL));
  return [
    { tau: base, p: 1 - config.mixing },
    { tau: base * QUICK, p: config.mixing * (1 - stall) },
    { tau: base * STALL, p: config.mixing * stall },
  ].filter((d) => d.p > 0);
}

/** E[r] and E[gamma^tau] of one work unit. */
export function workMoments(config: SyntheticConfig, agent: SyntheticAgent): { reward: number; discount: number } {
  let discount = 0;
  for (const { tau, p } of durationDistribution(config, agent)) discount += p * Math.pow(config.discount, tau);
  return { reward: workCost(agent), discount };
}

/** The reward of one unit of work: its price, whatever it took (cost per base duration times the base duration). */
export function workCost(agent: SyntheticAgent): number {
  return -COST[agent] * BASE_DURATION[agent];
}

/** The grader: 1 for a complete, flawless artifact; a little for complete-but-flawed or nearly complete. */
export function terminalReward(s: SyntheticState): number {
  if (s.progress === LEVELS) return s.flaw === 0 ? 1 : 0.25;
  return s.progress === LEVELS - 1 ? 0.1 : 0;
}

/**
 * What `agent` may see of artifact `s`, as a distribution (the interface gap blurs the kind for drafter and solver).
 * The simulator samples from it; the exact evaluator sums over it.
 */
export function projectionDistribution(
  config: SyntheticConfig,
  agent: SyntheticAgent,
  s: SyntheticState,
): { projection: Record<string, number>; p: number }[] {
  if (agent === 'checker') return [{ projection: { progress: s.progress, flaw: s.flaw }, p: 1 }];
  const out = [{ projection: { kind: s.kind, progress: s.progress }, p: 1 - config.interfaceGap }];
  for (let kind = 0; kind < KINDS; kind++) out.push({ projection: { kind, progress: s.progress }, p: config.interfaceGap / KINDS });
  return out.filter((o) => o.p > 0);
}

export function canSubmit(agent: SyntheticAgent): boolean {
  return agent === 'checker';
}
