import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { createAnthropicModel, createOpenAIModel } from '@baton/adapters';
import { startWireServer, type WireServer, type WireStep } from '@baton/adapters/test';
import {
  PROOF_RECORDINGS,
  RECORDED_MODELS,
  RECORDED_STATEMENT,
  createJudge,
  createJudgePanel,
  createProofWorkflow,
  newProofDraft,
  proofPolicyHeads,
  proofRubric,
  type ProofDraft,
} from '@baton/agents';
import { InProcessRuntime, UserError, type BatonEvent, type EpisodeResult, type ModelAdapter } from '@baton/core';
import { finiteNumber, outputFile, positiveInt } from '../program.ts';
import { runCommand } from './run.ts';

interface ProofFlags {
  statement?: string;
  offline: boolean;
  prover: string;
  critic: string;
  reviser: string;
  judges: string;
  lambda: number;
  rounds: number;
  seed: number;
  json?: string;
}

/** `provider:model`, e.g. `openai:gpt-6-luna` or `anthropic:claude-haiku-4-5`. */
function modelSpec(flag: string) {
  return (value: string): string => {
    if (!/^(openai|anthropic):\S+$/.test(value))
      throw new InvalidArgumentError(`${flag} must be openai:<model> or anthropic:<model>, got "${value}"`);
    return value;
  };
}

function createModel(spec: string, server: WireServer | undefined): ModelAdapter {
  const [provider, ...rest] = spec.split(':');
  const model = rest.join(':');
  const wire = server ? { apiKey: 'offline', retry: { maxAttempts: 1 } } : {};
  if (provider === 'anthropic') return createAnthropicModel({ model, ...wire, ...(server ? { baseURL: server.anthropicBaseURL } : {}) });
  return createOpenAIModel({ model, ...wire, ...(server ? { baseURL: server.openaiBaseURL } : {}) });
}

/** The recorded episode as wire-server steps: each recording answers the request of its protocol that quotes its phrase. */
export function recordedScript(): WireStep[] {
  return PROOF_RECORDINGS.map((r) => ({
    match: (q) => q.protocol === r.protocol && q.lastUserMessage.includes(r.contains),
    reply: { text: r.text, usage: r.usage },
  }));
}

const usd = (n: number): string => `$${n.toFixed(6)}`;

/** The figures a run prints: per-judge scores, panel score, disagreement, reward, judge dollars as a share of cost. */
export function formatProofRun(result: EpisodeResult<ProofDraft>, offline: boolean): string {
  const d = result.artifact.value;
  const v = d.verdict;
  const lines = [
    ...(offline ? ['OFFLINE: recorded drafts and verdicts served by the built-in wire server; no provider was called.'] : []),
    `statement: ${d.statement}`,
    `path: ${result.path.join(' -> ')} (${result.steps} steps, ${result.handoffs} handoffs)`,
    `draft: ${d.draft.split('\n').length} lines, ${d.revisions} revision(s); critiques open ${d.critiques.filter((c) => c.status === 'open').length}, closed ${d.critiques.filter((c) => c.status === 'closed').length}; critic: ${d.assessment ?? '-'}`,
    '',
    d.draft,
    '',
  ];
  if (v) {
    lines.push(`rubric ${v.rubric.id}@${v.rubric.version}`);
    for (const j of v.judges)
      lines.push(`  judge ${j.judge.padEnd(32)} score ${j.score.toFixed(3)}  ${usd(j.costUsd)}  attempts ${j.attempts}`);
    lines.push(
      `panel score ${v.score.toFixed(3)}; disagreement: range ${v.disagreement.range.toFixed(3)}, std dev ${v.disagreement.stdDev.toFixed(3)}; reward ${v.reward.toFixed(3)}`,
    );
    const share = result.costUsd > 0 ? (100 * v.costUsd) / result.costUsd : 0;
    lines.push(`cost: episode ${usd(result.costUsd)}, judges ${usd(v.costUsd)} (${share.toFixed(1)}% of the episode)`);
  } else {
    lines.push(
      `no verdict was logged on the draft (a dollar or token budget ended the episode); terminal reward ${result.terminalReward.toFixed(3)}`,
    );
  }
  return lines.join('\n');
}

/** `baton run proof`: drafts, critiques and revises a proof, then grades it with a judge panel. */
export function register(program: Command): void {
  runCommand(program)
    .command('proof')
    .description(
      'Prove a statement with a prover, a critic and a reviser; grade with a panel of judges from different vendors (needs OPENAI_API_KEY and ANTHROPIC_API_KEY, or --offline).',
    )
    .option('--statement <text>', 'the statement to prove')
    .option('--offline', 'serve recorded drafts and verdicts through the built-in wire server (no keys, no network)', false)
    .option('--prover <provider:model>', 'prover model', modelSpec('--prover'), RECORDED_MODELS.prover)
    .option('--critic <provider:model>', 'critic model', modelSpec('--critic'), RECORDED_MODELS.critic)
    .option('--reviser <provider:model>', 'reviser model', modelSpec('--reviser'), RECORDED_MODELS.reviser)
    .option('--judges <list>', 'comma-separated judge models', RECORDED_MODELS.judges.join(','))
    .option('--lambda <x>', 'reward = score * (1 - lambda * disagreement)', finiteNumber('--lambda', { min: 0, max: 10 }), 0.5)
    .option('--rounds <n>', 'critic rounds at most', positiveInt('--rounds'), 2)
    .option('--seed <n>', 'episode seed', positiveInt('--seed'), 1)
    .option('--json <file>', 'write the result, verdict included, as JSON', outputFile('--json'))
    .action(async (flags: ProofFlags) => {
      const judgeSpecs = flags.judges.split(',').map((s) => modelSpec('--judges')(s.trim()));
      if (flags.offline && flags.statement !== undefined && flags.statement !== RECORDED_STATEMENT) {
        throw new UserError(`--offline serves recordings for "${RECORDED_STATEMENT}" only; omit --statement`, { field: '--statement' });
      }
      const statement = flags.statement ?? (flags.offline ? RECORDED_STATEMENT : undefined);
      if (!statement?.trim()) throw new UserError('is required (or use --offline)', { field: '--statement' });
      const server = flags.offline ? await startWireServer({ script: recordedScript() }) : undefined;
      try {
        const panel = createJudgePanel({
          judges: judgeSpecs.map((s) => createJudge({ model: createModel(s, server), rubric: proofRubric })),
          lambda: flags.lambda,
        });
        const workflow = createProofWorkflow({
          prover: createModel(flags.prover, server),
          critic: createModel(flags.critic, server),
          reviser: createModel(flags.reviser, server),
          panel,
          seed: flags.seed,
        });
        const events: BatonEvent[] = [];
        const runtime = new InProcessRuntime({ workflow, heads: proofPolicyHeads(flags.rounds), sinks: [(e) => void events.push(e)] });
        const result = await runtime.runEpisode({ seed: flags.seed, input: newProofDraft(statement), learn: false });
        console.log(formatProofRun(result, flags.offline));
        if (flags.json) {
          const { artifact, ...rest } = result;
          await writeFile(
            flags.json,
            `${JSON.stringify({ offline: flags.offline, ...rest, artifactHash: artifact.hash, artifact: artifact.value, events }, null, 2)}\n`,
          );
        }
      } finally {
        await server?.close();
      }
    });
}
