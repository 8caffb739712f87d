import { basename, extname } from 'node:path';
import { keySourceOf, loadBindings, loadPromptFile, modelFromBinding } from '@baton/adapters';
import { answerKindOf, type AnswerKind } from '@baton/agents/route';
import { UserError } from '@baton/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { topCommand } from './top.ts';
import { API_KEY_HELP } from '../help.ts';
import { userPath } from '../paths.ts';
import { finiteNumber, outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { CallJournal } from '../record/journal.ts';
import { recordCalls, type RecordModel } from '../record/recorder.ts';
import { writeRecording } from '../record/write-csv.ts';

interface RecordFlags {
  tasks: string;
  agents: string;
  out: string;
  concurrency: number;
  budget?: number;
  retries?: number;
  task?: string;
  kind?: AnswerKind;
  retryFailed?: boolean;
  progress?: boolean;
}

const retriesOption = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 20)
    throw new InvalidArgumentError(`--retries must be a whole number from 0 to 20, got "${value}"`);
  return n;
};

const HELP = `
The task file: JSONL ({"id": "q1", "prompt": "...", "gold": "B"} per line) or CSV with a header (prompt, optional
id, optional gold); "question" and "answer" are read as prompt and gold, so GSM8K's JSONL works as it is. Without
an id a row is named by a hash of its prompt. A bad line stops the command before any call, naming the line.

The bindings file (--agents): {"models": {"<name>": <binding>, ...}} in JSON or YAML; each binding is an agent's
model in a workflow config (provider, model, baseURL, apiKeyEnv, prices, deadlineMs, maxAttempts: docs/config.md).
<name> becomes the model's columns in the CSV.

Output: RouterBench's wide CSV (what loadRecordedTask and \`baton bench route\` read): per model a 0/1 score, the
response and the call's dollars (the binding's prices times the usage the provider reports). Scores: a prompt with
a gold answer is graded by the answer extractor of the task's kind (choice: the option letter; number: the number;
code: the function's name and arity only; text: the first line); without gold its score cells stay empty, and the
loader skips rows with empty scores, so grade them yourself before training. A failed call leaves its cells empty
(that row is skipped too); rerun with --retry-failed to try failures again.

Resume: every finished call (answer or failure) is appended to <out>.journal.jsonl and fsync'd before it counts.
Run the same command again after a crash or a stop: calls in the journal are not made again (not paid twice); only
calls that were in flight at the crash are made again, since their answers never arrived. The CSV is written from
the journal at the end, atomically. Delete the journal to start over. Exit 0 when every call answered, 1 otherwise.
${API_KEY_HELP}`;

/** `baton record`: runs live models over a task file and writes RouterBench's wide CSV, resumable after a crash. */
export function register(program: Command): void {
  topCommand(program, 'record')
    .requiredOption('--tasks <file>', 'prompts to record: JSONL or CSV (prompt, optional id and gold)')
    .requiredOption('--agents <file>', 'the models: a bindings file {"models": {"<name>": <binding>}} (JSON or YAML)')
    .requiredOption('--out <file>', 'the CSV to write; its journal is <file>.journal.jsonl', outputFile('--out'))
    .option('--concurrency <n>', 'calls in flight at once', positiveInt('--concurrency', 256), 4)
    .option(
      '--budget <usd>',
      'dollars the whole recording may spend (earlier runs of this journal included): no call starts once it is reached',
      finiteNumber('--budget', { min: 0, max: 1e6 }),
    )
    .option('--retries <n>', "retries of a failed call after the first attempt (default 3; a binding's maxAttempts wins)", retriesOption)
    .option('--task <name>', 'the task name written as eval_name; picks the answer kind (default: the task file name)')
    .addOption(
      new Option('--kind <kind>', 'how answers are read for grading (default: from the task name and the first prompt)').choices([
        'choice',
        'number',
        'code',
        'text',
      ]),
    )
    .option('--retry-failed', 'make again the calls that failed in an earlier run of this journal')
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .option('--no-progress', 'hide the progress bar')
    .addHelpText('after', HELP)
    .action(async (flags: RecordFlags) => {
      const prompts = loadPromptFile(userPath(flags.tasks));
      const { bindings, baseDir } = loadBindings(userPath(flags.agents));
      const retry = flags.retries === undefined ? undefined : { maxAttempts: flags.retries + 1 };
      const models: RecordModel[] = Object.entries(bindings).map(([name, binding]) => ({
        name,
        adapter: modelFromBinding(binding, process.env, { field: `models.${name}`, baseDir, ...(retry ? { defaults: { retry } } : {}) }),
      }));
      if (models.some((m) => m.adapter.provider === 'replay'))
        throw new UserError('replay bindings answer from recorded data; record live models only', { field: '--agents' });
      const task = flags.task ?? basename(flags.tasks, extname(flags.tasks));
      const kind = flags.kind ?? answerKindOf(task, prompts[0]?.prompt ?? '');
      const graded = prompts.filter((p) => p.gold !== undefined).length;
      console.log(`record ${task}: ${prompts.length} prompts x ${models.length} models, kind ${kind}, ${graded} with a gold answer`);
      // Where each key comes from, never its value.
      for (const [name, binding] of Object.entries(bindings)) {
        const key = keySourceOf(binding);
        console.log(`  ${name}: ${binding.provider} ${binding.model}, key ${key === undefined ? 'none' : `from ${key}`}`);
      }
      const journal = new CallJournal(`${flags.out}.journal.jsonl`);
      const progress = createProgress(`record ${task}`, flags.progress ?? stderrIsTTY());
      let summary;
      try {
        summary = await recordCalls({
          prompts,
          models,
          journal,
          concurrency: flags.concurrency,
          ...(flags.budget === undefined ? {} : { budgetUsd: flags.budget }),
          ...(flags.retryFailed ? { retryFailed: true } : {}),
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
      } finally {
        progress.stop();
        writeRecording(
          flags.out,
          task,
          prompts,
          models.map((m) => m.name),
          journal,
          kind,
        );
        journal.close();
      }
      if (summary.resumed > 0)
        console.log(`resumed: ${summary.resumed} of ${summary.calls} calls were in ${journal.path} already (not made again)`);
      console.log(`made ${summary.made} calls; the recording has spent $${summary.spentUsd.toFixed(4)}`);
      for (const [model, f] of Object.entries(summary.failed))
        console.log(`  ${model}: ${f.count} calls failed (first: ${f.first}); rerun with --retry-failed to try them again`);
      if (summary.notStarted > 0)
        console.log(
          `budget $${flags.budget ?? 0} reached: ${summary.notStarted} calls not started; rerun with a higher --budget to go on (finished calls are kept)`,
        );
      if (graded < prompts.length) console.log(`${prompts.length - graded} prompts have no gold answer: their score cells are empty`);
      console.log(`wrote ${flags.out} (journal: ${journal.path})`);
      const failedCount = Object.values(summary.failed).reduce((s, f) => s + f.count, 0);
      if (failedCount > 0 || summary.notStarted > 0) process.exitCode = 1;
    });
}
