import { defineWorkflow, UserError, type Artifact, type Budget, type Grader, type ModelAdapter, type Workflow } from '@baton/core';
import { mathDraftSchema, type MathDraft } from './draft.ts';
import { gradeAnswer } from './numbers.ts';
import { createArithmeticCheckerOption, createDispatcherOption, createSolverOption } from './options.ts';
import { mathInterface, type MathFeature } from './projection.ts';

/** Feature sets the standard math agents look at. */
export const SOLVER_FEATURES: readonly MathFeature[] = [
  'hasAnswer',
  'truncated',
  'lastIsAnswer',
  'answerNonInteger',
  'answerNegative',
  'answerMagnitude',
  'unusedQuestionNumbers',
  'length',
  'steps',
  'hedging',
  'answerFromQuestion',
  'extraQuestion',
  'qLength',
  'qNumbers',
  'qSentences',
];
/** The checker sees what the solver sees plus the arithmetic it re-computed. */
export const CHECKER_FEATURES: readonly MathFeature[] = [
  ...SOLVER_FEATURES,
  'arithmeticChecked',
  'arithmeticFailed',
  'answerDerived',
  'verdictFlagged',
];
export const QUESTION_ONLY_FEATURES: readonly MathFeature[] = [
  'qLength',
  'qNumbers',
  'qPercent',
  'qFraction',
  'qMoney',
  'qTime',
  'qRate',
  'qMultiply',
  'qCompare',
  'qSentences',
  'qLargest',
];

/** Grades the latest attempt's answer against the gold number of its problem (1 correct, 0 wrong or no answer). */
export function goldGrader(goldOf: (problem: string) => number | undefined): Grader<MathDraft> {
  return (artifact: Artifact<MathDraft>) => {
    const gold = goldOf(artifact.value.problem);
    if (gold === undefined) throw new UserError('no gold answer for this problem', { field: 'problem' });
    const attempt = artifact.value.attempts[artifact.value.attempts.length - 1];
    return attempt ? gradeAnswer(attempt.answer ?? attempt.text, gold) : 0;
  };
}

export interface MathCascadeConfig {
  /** The cheap entry solver's model (e.g. Mixtral). */
  readonly weak: ModelAdapter;
  /** The strong solver's model (e.g. GPT-4). */
  readonly strong: ModelAdapter;
  readonly grader: Grader<MathDraft>;
  /** reward = -costWeight * dollars for each model call. */
  readonly costWeight?: number;
  readonly ids?: { weak?: string; checker?: string; strong?: string };
  readonly weakFeatures?: readonly MathFeature[];
  readonly checkerFeatures?: readonly MathFeature[];
  readonly strongFeatures?: readonly MathFeature[];
  readonly budget?: Budget;
  readonly discount?: number;
}

/**
 * The cascade: the weak solver drafts; its head submits, hands to the arithmetic checker, or hands to the strong
 * solver. The checker's head submits or hands to the strong solver; the strong solver submits.
 * @example
 * const wf = createMathCascade({ weak: mixtral, strong: gpt4, grader: goldGrader(goldOf), costWeight: 10 });
 */
export function createMathCascade(config: MathCascadeConfig): Workflow<MathDraft> {
  const weak = config.ids?.weak ?? 'weak';
  const checker = config.ids?.checker ?? 'checker';
  const strong = config.ids?.strong ?? 'strong';
  const costWeight = config.costWeight ?? 0;
  return defineWorkflow<MathDraft>({
    name: 'math-cascade',
    artifact: mathDraftSchema,
    agents: [
      createSolverOption({ id: weak, model: config.weak, interface: mathInterface(config.weakFeatures ?? SOLVER_FEATURES), costWeight }),
      createArithmeticCheckerOption({ id: checker, interface: mathInterface(config.checkerFeatures ?? CHECKER_FEATURES) }),
      createSolverOption({
        id: strong,
        model: config.strong,
        interface: mathInterface(config.strongFeatures ?? SOLVER_FEATURES),
        costWeight,
      }),
    ],
    entry: weak,
    successors: { [weak]: [checker, strong], [checker]: [strong], [strong]: [] },
    grader: config.grader,
    budget: config.budget ?? { maxSteps: 4, maxHandoffs: 2 },
    discount: config.discount ?? 0.99,
  });
}

export interface MathRoutingConfig {
  /** The solvers, each bound to its own model. */
  readonly solvers: readonly { readonly id: string; readonly model: ModelAdapter }[];
  readonly grader: Grader<MathDraft>;
  readonly costWeight?: number;
  /** What the dispatcher sees of the problem (default: question features only). */
  readonly dispatcherFeatures?: readonly MathFeature[];
  readonly solverFeatures?: readonly MathFeature[];
  /**
   * Who each solver may hand on to after its own draft (default: nobody, each solver submits). E.g.
   * `{ mixtral: ['gpt4'] }` lets the cheap solver escalate after drafting.
   */
  readonly successors?: Readonly<Record<string, readonly string[]>>;
  readonly budget?: Budget;
}

/**
 * Routing: a dispatcher (no LLM, may not submit) reads a projection of the problem and hands it to one of N solvers
 * bound to different models; each solver submits or hands on after its own draft.
 */
export function createMathRouting(config: MathRoutingConfig): Workflow<MathDraft> {
  if (config.solvers.length === 0) throw new UserError('at least one solver is required', { field: 'solvers' });
  const costWeight = config.costWeight ?? 0;
  const solvers = config.solvers.map((s) =>
    createSolverOption({ id: s.id, model: s.model, interface: mathInterface(config.solverFeatures ?? SOLVER_FEATURES), costWeight }),
  );
  const successors: Record<string, readonly string[]> = { dispatcher: config.solvers.map((s) => s.id) };
  for (const s of config.solvers) successors[s.id] = config.successors?.[s.id] ?? [];
  return defineWorkflow<MathDraft>({
    name: 'math-routing',
    artifact: mathDraftSchema,
    agents: [
      createDispatcherOption({ id: 'dispatcher', interface: mathInterface(config.dispatcherFeatures ?? QUESTION_ONLY_FEATURES) }),
      ...solvers,
    ],
    entry: 'dispatcher',
    successors,
    grader: config.grader,
    budget: config.budget ?? { maxSteps: 1 + config.solvers.length, maxHandoffs: config.solvers.length },
  });
}
