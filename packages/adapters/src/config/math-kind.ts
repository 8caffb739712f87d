import {
  CASCADE_LEARNING,
  CHECKER_FEATURES,
  DRAFT_FEATURES,
  QUESTION_FEATURES,
  QUESTION_ONLY_FEATURES,
  SOLVER_FEATURES,
  createArithmeticCheckerOption,
  createDispatcherOption,
  createSolverOption,
  createVerifierOption,
  criticRole,
  goldGrader,
  mathDraftSchema,
  mathInterface,
  newMathDraft,
  type MathDraft,
  type MathFeature,
} from '@baton/agents';
import { defineWorkflow, UserError, type Action, type AgentOption, type ModelAdapter } from '@baton/core';
import { LinearIcqHead } from '@baton/learner';
import { z } from 'zod';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';
import type { ReplayDataset } from '../replay/records.ts';
import { bindingFields, bindingOf, checkBinding, modelFromBinding, type BindingContext } from './binding.ts';
import { commonConfigFields, checkGraph, type ConfigContext } from './common.ts';
import type { Problem } from './problems.ts';

// The `math` workflow kind: math agents (solvers, verifiers, critics, an arithmetic checker, a dispatcher) passing one
// math draft along the successors the file gives, each with a linear IC-Q head.

const ROLES = {
  solver: 'one model call that drafts an answer',
  verifier: 'one model call that checks the latest draft and gives a verdict',
  critic: "one model call that lists the latest draft's mistakes",
  checker: 'no model: re-computes the arithmetic of the latest draft',
  dispatcher: 'no model, may not submit: reads the problem and hands it on',
} as const;
type Role = keyof typeof ROLES;
const MODEL_ROLES: ReadonlySet<Role> = new Set(['solver', 'verifier', 'critic']);
const FEATURE_NAMES = [...Object.keys(DRAFT_FEATURES), ...Object.keys(QUESTION_FEATURES)] as [MathFeature, ...MathFeature[]];
const DEFAULT_FEATURES: Readonly<Record<Role, readonly MathFeature[]>> = {
  solver: SOLVER_FEATURES,
  verifier: CHECKER_FEATURES,
  critic: CHECKER_FEATURES,
  checker: CHECKER_FEATURES,
  dispatcher: QUESTION_ONLY_FEATURES,
};

const binding = z.object(bindingFields).partial().shape;

/** One agent of a math workflow: its role, what its head sees and, for roles that call a model, its model binding. */
export const mathAgentSchema = z
  .strictObject({
    role: z.enum(Object.keys(ROLES) as [Role, ...Role[]]).describe(
      Object.entries(ROLES)
        .map(([r, what]) => `${r}: ${what}`)
        .join('; '),
    ),
    features: z
      .array(z.enum(FEATURE_NAMES))
      .min(1)
      .optional()
      .describe("What the head sees of the draft (default: the role's standard set)."),
    output: z
      .enum(['text', 'structured'])
      .optional()
      .describe('solver only. text: the problem as the prompt, the answer read from the reply (default); structured: a JSON answer.'),
    ...binding,
  })
  .superRefine((agent, ctx) => {
    if (agent.output !== undefined && agent.role !== 'solver')
      ctx.addIssue({ code: 'custom', path: ['output'], message: 'applies to solvers only' });
    if (!MODEL_ROLES.has(agent.role)) {
      for (const field of Object.keys(bindingFields))
        if (agent[field as keyof typeof bindingFields] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `a ${agent.role} calls no model` });
      return;
    }
    for (const field of ['provider', 'model'] as const)
      if (agent[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a ${agent.role} needs a model binding` });
    checkBinding(agent, ctx);
  });

export type MathAgentConfig = z.infer<typeof mathAgentSchema>;

/** A `workflow: math` config file. */
export const mathConfigSchema = z
  .strictObject({
    ...commonConfigFields,
    workflow: z.literal('math'),
    agents: z.record(z.string(), mathAgentSchema).describe('The agents by id; the first is the entry unless `entry` says otherwise.'),
    problems: z
      .string()
      .min(1)
      .optional()
      .describe('GSM8K-style JSONL, one {"question", "answer": "... #### 42"} per line, to train and evaluate on (relative to this file).'),
  })
  // Runs even when an agent is malformed, so one pass reports graph mistakes too.
  .superRefine(checkGraph, { when: () => true });

export type MathConfig = z.infer<typeof mathConfigSchema>;

/** A math config as a runnable definition: the workflow, its heads, and inputs from the problems (if any). */
export function mathDefinition(
  config: MathConfig,
  context: ConfigContext & { readonly problems?: readonly Problem[] },
): WorkflowDefinition<MathDraft> & { models: Record<string, ModelAdapter> } {
  const ids = Object.keys(config.agents);
  const entry: string = config.entry ?? (ids[0] as string);
  const costWeight = config.costWeight ?? 0;
  const datasets = new Map<string, ReplayDataset>();
  const models: Record<string, ModelAdapter> = {};
  const bindingContext = (id: string): BindingContext => ({
    field: `agents.${id}`,
    baseDir: context.baseDir,
    datasets,
    defaults: config.deadlines?.callMs === undefined ? {} : { deadlineMs: config.deadlines.callMs },
  });
  const agents: AgentOption<MathDraft>[] = ids.map((id) => {
    const agent = config.agents[id] as MathAgentConfig;
    const view = mathInterface(agent.features ?? DEFAULT_FEATURES[agent.role]);
    if (!MODEL_ROLES.has(agent.role))
      return agent.role === 'checker'
        ? createArithmeticCheckerOption({ id, interface: view })
        : createDispatcherOption({ id, interface: view });
    const model = modelFromBinding(bindingOf(agent), context.env, bindingContext(id));
    models[id] = model;
    if (agent.role === 'solver') return createSolverOption({ id, model, interface: view, costWeight, output: agent.output ?? 'text' });
    return createVerifierOption({ id, model, interface: view, costWeight, ...(agent.role === 'critic' ? { role: criticRole } : {}) });
  });
  const successors = Object.fromEntries(ids.map((id) => [id, config.successors?.[id] ?? []]));
  const problems = context.problems ?? [];
  const gold = new Map(problems.map((p) => [p.question, p.gold]));
  const workflow = defineWorkflow<MathDraft>({
    name: config.name ?? 'math',
    artifact: mathDraftSchema,
    agents,
    entry,
    successors,
    // A question without a gold answer (one from the command line) scores 0: there is nothing to grade against.
    grader: problems.length && problems.every((p) => p.gold !== undefined) ? goldGrader((problem) => gold.get(problem)) : () => 0,
    budget: {
      maxSteps: config.budget?.maxSteps ?? ids.length + 1,
      maxHandoffs: config.budget?.maxHandoffs ?? ids.length,
      ...(config.budget?.maxTokens === undefined ? {} : { maxTokens: config.budget.maxTokens }),
      ...(config.budget?.maxDollars === undefined ? {} : { maxDollars: config.budget.maxDollars }),
    },
    discount: 1,
  });
  const actionsOf = (id: string): Action[] => [
    ...(config.agents[id]?.role === 'dispatcher' ? [] : ['submit' as const]),
    ...(successors[id] ?? []).map((to): Action => `handoff:${to}`),
  ];
  const createHead = (id: string): LinearIcqHead =>
    new LinearIcqHead({
      actions: actionsOf(id),
      projectionKeys: workflow.agentById.get(id)?.interface.projectionKeys ?? [],
      ...CASCADE_LEARNING,
    });
  return {
    workflow,
    models,
    createHead,
    // A head trained on other successors or features would be offered actions it never learned: refuse it.
    loadHead: (id, snapshot) => {
      const head = LinearIcqHead.fromJSON(snapshot);
      const [saved, wanted] = [head.toJSON(), createHead(id).toJSON()];
      const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
      if (!same(saved.actions, wanted.actions) || !same(saved.projectionKeys, wanted.projectionKeys))
        throw new UserError(
          `was trained with actions [${saved.actions.join(', ')}] on features [${saved.projectionKeys.join(', ')}], but this config gives [${wanted.actions.join(', ')}] on [${wanted.projectionKeys.join(', ')}]: train again or restore the config`,
          { field: `heads.${id}`, code: 'user.heads-mismatch' },
        );
      return head;
    },
    ...(problems.length
      ? { input: (index: number) => newMathDraft((problems[index % problems.length] as (typeof problems)[number]).question) }
      : {}),
  };
}
