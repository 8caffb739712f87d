import type { Action } from './action.ts';
import type { InterfaceView } from './interface.ts';
import type { Rng } from './rng.ts';

/** What a head chose, and why: the Q-values it saw over the legal set and whether the choice was exploration. */
export interface Decision {
  readonly action: Action;
  readonly qValues: Readonly<Partial<Record<Action, number>>>;
  readonly explored: boolean;
}

/** How a decision is made: `explore` off means greedy (evaluation); `rng` is the episode's seeded stream. */
export interface DecideContext {
  readonly rng: Rng;
  readonly explore: boolean;
}

/**
 * One learning target for Q(z, action), ready when the agent's own target is (ICQ.md's table):
 * continue -> r + gamma^tau max Qbar(z'); handoff:j -> the scalar u that j sent back; submit -> R.
 */
export interface Transition {
  readonly view: InterfaceView;
  readonly action: Action;
  readonly target: number;
  /** The legal set the action was chosen from (kept for replay buffers and audits). */
  readonly legal: readonly Action[];
  /**
   * The target's ingredients when it bootstraps on this head's own value (a `continue`): target = reward + discount *
   * value(view, legal). A replay buffer keeps them to recompute the target with its current target network later.
   * Absent for a handoff (the receiver's scalar cannot be recomputed by the sender) and for submit (R is final).
   */
  readonly bootstrap?: TargetIngredients;
}

/** What a `continue` target is made of: the reward and discount of the work, and the interface it led to. */
export interface TargetIngredients {
  readonly reward: number;
  /** gamma^tau of the unit of work. */
  readonly discount: number;
  readonly view: InterfaceView;
  readonly legal: readonly Action[];
}

/** One of this agent's decisions in a finished episode with its discounted return-to-go (for Monte Carlo baselines). */
export interface DecisionOutcome {
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
  readonly returnToGo: number;
}

/**
 * The policy interface that core defines and the learner implements. A head sees only its own agent's interface
 * view. `value` is the one scalar a receiver sends back across a handoff.
 */
export interface HandoffHead {
  /** A short name for logs and tables, e.g. `icq-tabular`. */
  readonly kind: string;
  /** Picks one of `legal` (never anything else). Throws a UserError if `legal` is empty. */
  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision;
  /** max over `legal` of the target estimate Qbar(view, o): the scalar sent back to the sender. */
  value(view: InterfaceView, legal: readonly Action[]): number;
  /** Applies one target. Non-finite targets are rejected with an error, never learned from. */
  learn(transition: Transition): void;
  /**
   * Called once per finished episode with this agent's own decisions and their returns-to-go. Bootstrap learners
   * (IC-Q) ignore it except for schedules; Monte Carlo and bandit baselines learn here.
   */
  endEpisode?(outcomes: readonly DecisionOutcome[]): void;
  /** A JSON-safe snapshot (tables or weights as plain numbers) that a loader can turn back into the same head. */
  toJSON(): unknown;
}
