import { pathToFileURL } from 'node:url';
import { Rng, UserError } from '@baton/core';
import { syntheticInput, syntheticWorkflow, TabularIcqHead } from '@baton/learner';
import { chainDefinition, relayDefinition } from '@baton/adapters/test';
import type { WorkflowDefinition } from '@baton/adapters';
import { userPath } from './paths.ts';

/** A workflow definition whatever its artifact type: the CLI only passes it on to runtimes. */
export type AnyDefinition = WorkflowDefinition;

/** Built-in workflows by name. Add one line per workflow; `--workflow <name>` picks it. */
const BUILTINS: Readonly<Record<string, () => Promise<AnyDefinition>>> = {
  chain: async () => chainDefinition() as unknown as AnyDefinition,
  relay: async () => relayDefinition() as unknown as AnyDefinition,
  synthetic: async () =>
    ({
      workflow: syntheticWorkflow(),
      createHead: () => new TabularIcqHead(),
      loadHead: (_agentId: string, snapshot: unknown) => TabularIcqHead.fromJSON(snapshot),
      input: (index: number) => syntheticInput(new Rng(index)),
    }) as unknown as AnyDefinition,
};

/** What a workflow module exports, as `--help` and errors say it. */
export const MODULE_SHAPE =
  '{ workflow, createHead(agentId), loadHead(agentId, snapshot), input?(index) }: a Workflow from defineWorkflow, a fresh head per agent, a head rebuilt from its toJSON() snapshot, and the first artifact value of episode `index`';

export function builtinWorkflowNames(): string[] {
  return Object.keys(BUILTINS).sort();
}

function isDefinition(value: unknown): value is AnyDefinition {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.workflow === 'object' && v.workflow !== null && typeof v.createHead === 'function' && typeof v.loadHead === 'function';
}

/**
 * Resolves `--workflow`: a built-in name, or a module file (resolved from the user's folder) whose default export (or
 * `definition` export) is a WorkflowDefinition `{ workflow, createHead, loadHead, input? }`.
 */
export async function loadWorkflowDefinition(spec: string): Promise<AnyDefinition> {
  const builtin = BUILTINS[spec];
  if (builtin) return builtin();
  if (!/[\\/.]/.test(spec))
    throw new UserError(`unknown workflow "${spec}" (built-ins: ${builtinWorkflowNames().join(', ')}; or a module file)`, {
      field: 'workflow',
    });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(userPath(spec)).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new UserError(`cannot load ${spec}: ${cause instanceof Error ? cause.message : String(cause)}`, { field: 'workflow', cause });
  }
  const found = [mod.default, mod.definition].find(isDefinition);
  if (!found) throw new UserError(`${spec} must export (default or \`definition\`) ${MODULE_SHAPE}`, { field: 'workflow' });
  return found;
}
