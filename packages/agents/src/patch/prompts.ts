import type { ChatMessage } from '@baton/core';
import { currentReview, type PatchArtifact } from './artifact.ts';
import type { RepoSnapshot } from './snapshot.ts';

/** Roles of the model agents; each prompt starts its user message with `ROLE: <role>` (recordings match on it). */
export type PatchRole = 'author' | 'reviewer' | 'reviser';

const SYSTEM: Record<PatchRole, string> = {
  author:
    'You are a careful software engineer. Fix the issue with the smallest correct change. Answer with a short explanation, ' +
    'then exactly one unified diff (paths relative to the repository root, `--- a/path` / `+++ b/path` headers, 3 lines of context) in a ```diff fenced block.',
  reviser:
    'You are a careful software engineer revising a patch. Use the test results and review comments. Answer with a short explanation, ' +
    'then exactly one complete unified diff against the ORIGINAL repository (not against the previous patch) in a ```diff fenced block.',
  reviewer:
    'You review patches. Answer with only a JSON object {"verdict": "approve" | "request-changes", "comments": string[]}. ' +
    'Approve only a patch that fixes the issue and whose tests all pass.',
};

function repository(snapshot: RepoSnapshot): string {
  return [...snapshot.files].map(([path, content]) => `=== ${path}\n${content}`).join('\n');
}

function history(value: PatchArtifact): string {
  const parts: string[] = [];
  if (value.diff) parts.push(`Current patch (attempt ${value.attempts}):\n\`\`\`diff\n${value.diff}\`\`\``);
  const run = value.testRuns[value.testRuns.length - 1];
  if (run && run.attempt === value.attempts) {
    parts.push(
      run.applied
        ? `Test results: ${run.testsPassed}/${run.testsRun} passed, ${run.testsFailed} failed${run.timedOut ? ' (timed out)' : ''}.\n${run.output.slice(-1500)}`
        : `The patch did not apply: ${run.applyError ?? 'unknown reason'}.`,
    );
  }
  const review = currentReview(value);
  if (review) parts.push(`Review (${review.verdict}):\n${review.comments.map((c) => `- ${c}`).join('\n')}`);
  return parts.join('\n\n');
}

/** The messages a model agent of `role` receives for the current artifact. */
export function patchMessages(role: PatchRole, value: PatchArtifact, snapshot: RepoSnapshot): ChatMessage[] {
  const context = history(value);
  const user = [`ROLE: ${role}`, `Issue: ${value.task}`, `Repository:\n${repository(snapshot)}`, ...(context ? [context] : [])].join(
    '\n\n',
  );
  return [
    { role: 'system', content: SYSTEM[role] },
    { role: 'user', content: user },
  ];
}
