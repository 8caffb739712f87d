// Data some tests read from beside the checkout (`../shared`), not from the repo, and how to get it. Plain JavaScript:
// the test prerequisites check (scripts/test-prerequisites.mjs) runs before anything is installed or compiled, and
// the tests' own helper (test/shared-data.ts) reads the same names.
import { dirname } from 'node:path';

/** The files of the RouteLLM GSM8K recordings that the tests read. */
export const GSM8K_FILES = ['gsm8k_responses.csv', 'gsm8k_test.jsonl', 'contaminated_prompts.jsonl'];

/** The shell command that puts the recordings in `dir`, as .ci/run does. */
export function gsm8kFetchCommand(dir) {
  return `git clone --depth 1 https://github.com/lm-sys/RouteLLM /tmp/RouteLLM && mkdir -p ${dirname(dir)} && cp -r /tmp/RouteLLM/routellm/evals/gsm8k ${dir}`;
}
