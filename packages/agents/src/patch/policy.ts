import { handoff, SUBMIT, UserError, type Action, type Decision, type HandoffHead, type InterfaceView } from '@baton/core';
import { VERDICT_CODE } from './interface.ts';

/** The roles the rule policy knows. */
export type PatchPolicyRole = 'author' | 'reviser' | 'tests' | 'reviewer';

/** The action the hand-written rules want for a role, given its projection. */
export function ruleAction(role: PatchPolicyRole, p: Readonly<Record<string, number>>): Action {
  switch (role) {
    case 'author':
    case 'reviser':
      return handoff('tests');
    case 'tests':
      if (p['allPass'] === 1) return p['verdict'] === VERDICT_CODE.approve ? SUBMIT : handoff('reviewer');
      // Did not apply: straight to the reviser. Applied but failing: ask the reviewer for comments once per attempt.
      if (p['appliesCleanly'] === 1 && p['verdict'] === VERDICT_CODE.none) return handoff('reviewer');
      return handoff('reviser');
    case 'reviewer':
      if (p['verdict'] === VERDICT_CODE.approve) return p['allPass'] === 1 ? SUBMIT : handoff('tests');
      return handoff('reviser');
  }
}

/**
 * A SCRIPTED handoff policy (not learned): fixed rules over the agent's own projection, e.g. "tests failed ->
 * reviser". It implements HandoffHead so it drops into the runtime where a TabularIcqHead would go, is greedy and
 * deterministic, sends back a scalar of 0 and ignores learning targets. `kind` says `scripted-rules` in every log.
 */
export class PatchRulePolicy implements HandoffHead {
  readonly kind = 'scripted-rules';

  constructor(readonly role: PatchPolicyRole) {}

  decide(view: InterfaceView, legal: readonly Action[]): Decision {
    if (legal.length === 0) throw new UserError('no legal action to decide between', { field: 'legal' });
    const wanted = ruleAction(this.role, view.projection);
    const action = legal.includes(wanted) ? wanted : legal.includes(SUBMIT) ? SUBMIT : (legal[0] as Action);
    return { action, qValues: {}, explored: false };
  }

  value(): number {
    return 0;
  }

  learn(): void {
    // Scripted: nothing to learn.
  }

  toJSON(): unknown {
    return { kind: this.kind, role: this.role };
  }
}
