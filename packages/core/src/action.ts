import { UserError } from './errors.ts';

/**
 * What an agent may do at a decision epoch: keep working, hand the artifact to a successor, or submit it.
 * Actions are strings so that Q-tables, logs and JSON all use the same key.
 */
export type Action = 'continue' | 'submit' | `handoff:${string}`;

export const CONTINUE: Action = 'continue';
export const SUBMIT: Action = 'submit';

/** The action that hands the artifact to agent `to`. */
export function handoff(to: string): Action {
  return `handoff:${to}`;
}

/** The receiving agent of a handoff action, or undefined for continue/submit. */
export function handoffTarget(action: Action): string | undefined {
  return action.startsWith('handoff:') ? action.slice(8) : undefined;
}

/** Parses an action key from untrusted input (a saved head, a log). */
export function parseAction(text: string, field = 'action'): Action {
  if (text === 'continue' || text === 'submit') return text;
  if (text.startsWith('handoff:') && text.length > 8) return text as Action;
  throw new UserError(`unknown action "${text}" (expected continue, submit or handoff:<agent>)`, { field });
}
