import {
  CONTINUE,
  SUBMIT,
  UserError,
  defineWorkflow,
  handoff,
  sha256,
  type Action,
  type Budget,
  type Decision,
  type Grade,
  type HandoffHead,
  type InterfaceView,
  type ModelAdapter,
  type Workflow,
} from '@baton/core';
import { defineRubric, type Rubric } from '../judge/rubric.ts';
import type { JudgePanel } from '../judge/panel.ts';
import { proofDraftSchema, type ProofDraft } from './draft.ts';
import { createCriticOption, createJudgeOption, createProverOption, createReviserOption, judged } from './options.ts';

/** The default rubric for proofs. Bump `version` with any change to the wording or weights. */
export const proofRubric: Rubric = defineRubric({
  id: 'proof',
  version: '2025-06-a',
  axes: [
    { id: 'correctness', description: 'every step follows from the previous ones and the statement is what is proved', weight: 3 },
    { id: 'completeness', description: 'no case or lemma is missing; nothing is asserted without justification', weight: 2 },
    { id: 'clarity', description: 'a reader can check each step without guessing', weight: 1 },
  ],
  instructions: 'A proof with a false step scores at most 3 on correctness, however well written.',
});

export interface ProofWorkflowConfig {
  readonly prover: ModelAdapter;
  readonly critic: ModelAdapter;
  readonly reviser: ModelAdapter;
  /** The grader: its reward (score discounted by disagreement) is the episode's terminal reward. */
  readonly panel: JudgePanel;
  /** Default 10 work units, 8 handoffs. */
  readonly budget?: Budget;
  readonly seed?: number;
  readonly dollarWeight?: number;
}

/**
 * Proof drafting: prover -> critic <-> reviser -> judge. Only the judge agent submits, so the verdict is logged
 * with the episode; a budget-forced submit is graded by the unit of work that exhausted it.
 * @example
 * const wf = createProofWorkflow({ prover, critic, reviser, panel });
 * const result = await new InProcessRuntime({ workflow: wf, heads: proofPolicyHeads() }).runEpisode({ seed: 1, input: newProofDraft(s) });
 */
export function createProofWorkflow(config: ProofWorkflowConfig): Workflow<ProofDraft> {
  const common = {
    panel: config.panel,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.dollarWeight === undefined ? {} : { dollarWeight: config.dollarWeight }),
  };
  return defineWorkflow<ProofDraft>({
    name: 'proof',
    artifact: proofDraftSchema,
    agents: [
      createProverOption({ model: config.prover, ...common }),
      createCriticOption({ model: config.critic, ...common }),
      createReviserOption({ model: config.reviser, ...common }),
      createJudgeOption(config.panel),
    ],
    entry: 'prover',
    successors: { prover: ['critic', 'judge'], critic: ['reviser', 'judge'], reviser: ['critic', 'judge'], judge: [] },
    grader: proofGrader(config.panel),
    budget: config.budget ?? { maxSteps: 10, maxHandoffs: 8 },
  });
}

/**
 * The terminal reward: the panel's reward stored on the submitted draft (its verdict is already in the log, in the
 * judge's work-end). A draft without a current verdict (a dollar or token budget ended the episode) is graded here,
 * and the grade carries the verdict and its cost into the submit event.
 */
export function proofGrader(panel: JudgePanel) {
  return async (artifact: { readonly value: ProofDraft }): Promise<number | Grade> => {
    const { verdict, draft } = artifact.value;
    if (verdict && verdict.draftHash === sha256(draft)) return verdict.reward;
    const graded = await judged(panel, artifact.value, {});
    return { reward: graded.value.verdict?.reward ?? 0, usage: graded.usage, notes: graded.notes };
  };
}

/**
 * A hand-written policy for the proof workflow (for `baton run proof` before any head is trained): critique once
 * after each draft, revise while major critiques stay open, up to `maxRounds` critic rounds, then judge.
 */
export class ProofPolicyHead implements HandoffHead {
  readonly kind = 'proof-policy';
  constructor(
    private readonly agent: string,
    private readonly maxRounds = 2,
  ) {}

  decide(view: InterfaceView, legal: readonly Action[]): Decision {
    const p = view.projection;
    const wanted: Action[] = [];
    if (this.agent === 'prover') wanted.push((p.hasDraft ?? 0) > 0 ? handoff('critic') : CONTINUE);
    if (this.agent === 'critic')
      wanted.push((p.critiquesOpen ?? 0) > 0 && (p.criticRounds ?? 0) < this.maxRounds ? handoff('reviser') : handoff('judge'));
    if (this.agent === 'reviser') wanted.push(handoff('critic'));
    wanted.push(handoff('judge'), SUBMIT, CONTINUE);
    const action = wanted.find((a) => legal.includes(a)) ?? legal[0];
    if (action === undefined) throw new UserError('no legal action to decide between', { field: 'legal' });
    return { action, qValues: {}, explored: false };
  }

  value(): number {
    return 0;
  }

  learn(): void {}

  toJSON(): unknown {
    return { kind: this.kind, agent: this.agent, maxRounds: this.maxRounds };
  }
}

/** One ProofPolicyHead per proof agent. */
export function proofPolicyHeads(maxRounds = 2): Record<string, HandoffHead> {
  return Object.fromEntries(['prover', 'critic', 'reviser', 'judge'].map((id) => [id, new ProofPolicyHead(id, maxRounds)]));
}
