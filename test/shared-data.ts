import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GSM8K_FILES, gsm8kFetchCommand } from '../scripts/shared-data.mjs';

// Data some tests read from beside the checkout (`../shared`), not from the repo: the RouteLLM GSM8K recordings.
// Workspace-only (no package ships it): the folder is a property of the checkout, not of any package.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The recordings' folder, and whether the tests that read it must skip. */
export interface SharedData {
  /** `../shared/data/routellm-gsm8k` beside the checkout (another folder only in this helper's own test). */
  readonly dir: string;
  /** Absent (outside CI): skip what reads it, e.g. `describe.skipIf(gsm8k.missing)`. A line on stderr said why. */
  readonly missing: boolean;
}

/** Whether this run is CI's (`CI=true`, or any value but empty, `0` and `false`), where absent data is a failure. */
function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && !['', '0', 'false'].includes(ci.toLowerCase());
}

/**
 * The RouteLLM GSM8K recordings for a test that reads them (packages/cli/src/gsm8k/README.md says what they are).
 * Absent, the test's file skips what needs them after one line naming the folder and how to get it; in CI absence
 * throws instead, so CI cannot pass by skipping.
 */
export function gsm8kRecordings(dir = join(ROOT, '..', 'shared', 'data', 'routellm-gsm8k')): SharedData {
  const absent = GSM8K_FILES.filter((file) => !existsSync(join(dir, file)));
  if (absent.length === 0) return { dir, missing: false };
  const problem = `the RouteLLM GSM8K recordings are not in ${dir} (no ${absent.join(', ')}); get them as .ci/run does: ${gsm8kFetchCommand(dir)}`;
  if (inCi()) throw new Error(`${problem}. In CI that is a failure, not a skip.`);
  console.warn(`skipping the tests that read them: ${problem}`);
  return { dir, missing: true };
}
