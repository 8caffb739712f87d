import { UserError, type HandoffHead } from '@baton/core';
import { GatedHead, LinearIcqHead, LinearMonteCarloHead } from '@baton/learner';
import { z } from 'zod';
import type { AnswerKind } from './answers.ts';
import { routeHead, type RouteLearner } from './heads.ts';
import type { TrainedRoute } from './train.ts';
import { DISPATCHER, routeActions, routeWorkflow } from './workflow.ts';

/** The `format` field of a route heads file: tells it apart from other Baton JSON. */
export const ROUTE_HEADS_FORMAT = 'baton-route-heads';
/** The version this Baton writes and reads. */
export const ROUTE_HEADS_VERSION = 1;

const ANSWER_KINDS = ['choice', 'number', 'code', 'text'] as const satisfies readonly AnswerKind[];
/** Learners whose heads can be saved (UCB1's tables have no loader: it is a bench baseline only). */
const SAVED_LEARNERS = ['icq', 'independent-mc'] as const satisfies readonly RouteLearner[];
type SavedLearner = (typeof SAVED_LEARNERS)[number];

const gatedSnapshotSchema = z.strictObject({
  kind: z.string(),
  gate: z.literal('position', { error: 'must be "position" (route heads are gated by draft position)' }),
  heads: z.record(z.string().regex(/^\d+$/, 'a gate value is a draft position: 0, 1, 2, ...'), z.unknown()),
});

const routeHeadsFileSchema = z.strictObject({
  format: z.literal(ROUTE_HEADS_FORMAT, { error: `must be "${ROUTE_HEADS_FORMAT}"` }),
  version: z.literal(ROUTE_HEADS_VERSION, { error: `must be ${ROUTE_HEADS_VERSION} (the version this Baton reads)` }),
  task: z.string().optional(),
  kind: z.enum(ANSWER_KINDS),
  learner: z.enum(SAVED_LEARNERS),
  models: z
    .array(z.string().min(1))
    .min(1)
    .refine((m) => new Set(m).size === m.length, 'lists a model twice')
    .refine((m) => !m.includes(DISPATCHER), `"${DISPATCHER}" is the dispatcher's id, not a model`),
  costScale: z.number().positive(),
  lambda: z.number().nonnegative(),
  maxDrafts: z.number().int().min(1),
  heads: z.record(z.string(), gatedSnapshotSchema),
});

/** A route heads file as JSON: what `baton train route --out` writes and `baton run route --heads` reads. */
export type RouteHeadsFile = z.infer<typeof routeHeadsFileSchema>;

/** What saving needs besides the trained route: how answers are read, and (for messages) the task it was trained on. */
export interface RouteHeadsMeta {
  readonly kind: AnswerKind;
  readonly task?: string;
}

/** A loaded heads file: everything a route workflow needs to decide exactly as the trained one did. */
export interface LoadedRouteHeads {
  readonly heads: Record<string, HandoffHead>;
  readonly kind: AnswerKind;
  readonly learner: SavedLearner;
  readonly models: readonly string[];
  readonly costScale: number;
  readonly lambda: number;
  readonly maxDrafts: number;
  readonly task?: string;
}

/**
 * A trained route as versioned JSON (`format` "baton-route-heads", version 1): the models, cost unit, lambda, draft
 * cap, learner, answer kind and every agent's gated head. The caller writes it (no file system here).
 * @example
 * writeFileSync('heads.json', JSON.stringify(saveRouteHeads(trained, { kind: 'choice', task: 'arc_challenge' })));
 */
export function saveRouteHeads(trained: TrainedRoute, meta: RouteHeadsMeta): RouteHeadsFile {
  const learner = trained.learner;
  if (learner === 'ucb1') throw new UserError('UCB1 heads cannot be saved (only icq and independent-mc)', { field: 'learner' });
  const heads: Record<string, RouteHeadsFile['heads'][string]> = {};
  for (const agent of [DISPATCHER, ...trained.models]) {
    const head = trained.heads[agent];
    if (!(head instanceof GatedHead)) throw new UserError(`agent "${agent}" has no gated head to save`, { field: `heads.${agent}` });
    heads[agent] = head.toJSON() as RouteHeadsFile['heads'][string];
  }
  return {
    format: ROUTE_HEADS_FORMAT,
    version: ROUTE_HEADS_VERSION,
    ...(meta.task === undefined ? {} : { task: meta.task }),
    kind: meta.kind,
    learner,
    models: [...trained.models],
    costScale: trained.costScale,
    lambda: trained.lambda,
    maxDrafts: trained.maxDrafts,
    heads,
  };
}

/** A UserError of a nested loader re-told at `field` (its own field becomes the tail of the path). */
function at(field: string, error: unknown): never {
  if (!(error instanceof UserError)) throw error;
  const own = error.field ?? '';
  const bare = own && error.message.startsWith(`${own}: `) ? error.message.slice(own.length + 2) : error.message;
  const tail = own.replace(/^head\.?/, '');
  throw new UserError(bare, { field: tail ? `${field}.${tail}` : field, code: 'user.invalid-heads', cause: error });
}

/**
 * Reads a route heads file (parsed JSON) back into heads that decide exactly as the saved ones. Every problem is a
 * UserError naming the field: a wrong format or version, a missing agent, a sub-head trained on other features.
 */
export function loadRouteHeads(json: unknown): LoadedRouteHeads {
  const parsed = routeHeadsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const message = issue?.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue?.message;
    throw new UserError(message ?? 'invalid route heads', { ...(path ? { field: path } : {}), code: 'user.invalid-heads' });
  }
  const file = parsed.data;
  const agents = [DISPATCHER, ...file.models];
  for (const agent of agents) if (file.heads[agent] === undefined) throw new UserError('is missing', { field: `heads.${agent}` });
  for (const agent of Object.keys(file.heads))
    if (!agents.includes(agent)) throw new UserError(`no such agent (models: ${file.models.join(', ')})`, { field: `heads.${agent}` });
  // The same workflow shape the heads were trained in: it says each agent's actions and features.
  const workflow = routeWorkflow({
    kind: file.kind,
    models: file.models.map((id) => ({ id, draft: () => ({ text: '', costUsd: 0 }) })),
    lambda: file.lambda,
    costScale: file.costScale,
    maxDrafts: file.maxDrafts,
    grade: () => 0,
  });
  const heads: Record<string, HandoffHead> = {};
  for (const agent of agents) {
    const field = `heads.${agent}`;
    const keys = workflow.agentById.get(agent)?.interface.projectionKeys ?? [];
    const actions = new Set<string>(routeActions(workflow, agent));
    const loadSub = (sub: unknown, gate: string): HandoffHead => {
      const subField = `${field}.heads.${gate}`;
      let q: LinearIcqHead;
      let head: HandoffHead;
      try {
        if (file.learner === 'icq') head = q = LinearIcqHead.fromJSON(sub);
        else {
          head = LinearMonteCarloHead.fromJSON(sub);
          q = LinearIcqHead.fromJSON((sub as { q: unknown }).q);
        }
      } catch (error) {
        return at(subField, error);
      }
      const state = q.toJSON();
      if (state.projectionKeys.join(',') !== keys.join(','))
        throw new UserError(`was trained on features [${state.projectionKeys.join(', ')}], this workflow gives [${keys.join(', ')}]`, {
          field: `${subField}.projectionKeys`,
          code: 'user.invalid-heads',
        });
      for (const action of state.actions)
        if (!actions.has(action))
          throw new UserError(`action "${action}" is not one of ${agent}'s (${[...actions].join(', ')})`, {
            field: `${subField}.actions`,
            code: 'user.invalid-heads',
          });
      return head;
    };
    const snapshot = file.heads[agent] as RouteHeadsFile['heads'][string];
    const loaded = new Map<unknown, HandoffHead>(Object.entries(snapshot.heads).map(([gate, sub]) => [sub, loadSub(sub, gate)]));
    // A position the saved head never reached gets the sub-head training would have made there.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- routeHead gates icq and independent-mc, the file's learners
    const fresh = routeHead(workflow, agent, file.learner) as GatedHead;
    heads[agent] = GatedHead.fromJSON(
      snapshot,
      (sub) => loaded.get(sub) as HandoffHead,
      (gateValue) => fresh.headFor({ projection: { position: gateValue }, privateState: {} }),
    );
  }
  return {
    heads,
    kind: file.kind,
    learner: file.learner,
    models: file.models,
    costScale: file.costScale,
    lambda: file.lambda,
    maxDrafts: file.maxDrafts,
    ...(file.task === undefined ? {} : { task: file.task }),
  };
}
