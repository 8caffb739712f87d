import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MathDraft } from '@baton/agents';
import { InProcessRuntime, Rng, type BatonEvent, type HandoffHead, type Workflow } from '@baton/core';
import type { Evaluation, Learner, PlaygroundWorkflow, WorkflowInfo } from './workflows.ts';

/** The repository root (this file is apps/playground/src/server/math-workflow.ts). */
const REPO_ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
/** Where the RouteLLM GSM8K recordings live by default: `../shared/data/routellm-gsm8k` from the repo root. */
export const DEFAULT_GSM8K_DIR = process.env['BATON_GSM8K_DATA'] ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'routellm-gsm8k');

const METHODS = ['icq-linear', 'always-weak', 'always-strong', 'random'] as const;
type MathMethod = (typeof METHODS)[number];
const SPLIT_SEED = 7_777;

/**
 * The bench's learning settings, except that every head refreshes its target copy at each update. The weak solver's
 * and the checker's Q of `handoff:strong` learn from the strong head's `value`, read from its target copy; with the
 * default refresh (every 200 of its own updates) and GPT-4 reached in a minority of episodes, that copy stays at its
 * initial 0 for the first ~1,000 episodes, so escalating looks worth -cost and the stale targets weigh on the RLS fit
 * (forgetting 0.9999) for thousands more: at cost weight 20 the learned cascade ended at 0.17 after 2,000 episodes,
 * under always-GPT-4 (0.43), escalating 23% of prompts. The cascade has no cycle (no continue, no way back), so a
 * target copy buys no stability here; refreshed at each update it reaches ~0.5 by 2,000 episodes.
 */
const ONLINE_LEARNING = { targetSyncEvery: 1 } as const;

/**
 * 40 reward units per dollar: one GPT-4 answer costs ~0.18 of a correct answer, so sending everything to GPT-4
 * (+27 points of accuracy for ~$0.0044 a prompt) is worth something but far from the best: the learned cascade, which
 * escalates the drafts that look wrong, beats both fixed policies (after 2,000 episodes, 3 seeds: ~0.35 against
 * 0.22 for always-GPT-4 and -0.22 for always-Mixtral, at ~80% accuracy for ~40% of GPT-4's spend). At 20 per dollar
 * GPT-4 is so cheap that always-GPT-4 is nearly as good as learning; past ~60 it is no better than random.
 */
export const DEFAULT_COST_WEIGHT = 40;

export interface MathPlaygroundOptions {
  /** RouteLLM GSM8K directory (gsm8k_responses.csv, gsm8k_test.jsonl). Default `DEFAULT_GSM8K_DIR`. */
  readonly dataDir?: string;
}

/**
 * The GSM8K cascade of `baton bench gsm8k` on recorded outputs (`cascadeWorkflow` / `newCascadeHeads` from
 * @baton/agents, replayed by @baton/adapters): Mixtral (replayed) drafts, its linear IC-Q head submits or hands to the arithmetic checker or to
 * GPT-4 (replayed). Training samples prompts from a training split; each checkpoint runs the greedy policy over a
 * held-out split and scores mean return (correct minus cost weight x dollars) normalized so the uniformly random
 * router = 0 and the per-prompt oracle = 1, with accuracy, share of prompts reaching GPT-4 and $/prompt beside it.
 * Listed as unavailable (with the reason) when the data directory is missing.
 */
export function mathPlaygroundWorkflow(options: MathPlaygroundOptions = {}): PlaygroundWorkflow {
  const dir = options.dataDir ?? DEFAULT_GSM8K_DIR;
  const missing = existsSync(join(dir, 'gsm8k_responses.csv'))
    ? undefined
    : `recorded outputs not found: ${dir} has no gsm8k_responses.csv (set BATON_GSM8K_DATA)`;
  const info: WorkflowInfo = {
    id: 'gsm8k-cascade',
    title: 'GSM8K cascade on recorded outputs (Mixtral, checker, GPT-4)',
    description:
      'Mixtral (replayed) drafts; its linear IC-Q head submits, asks the arithmetic checker, or hands to GPT-4 (replayed). ' +
      'Reward: correct (RouteLLM label) minus cost weight x dollars. Score on held-out prompts: random router = 0, per-prompt oracle = 1.',
    knobs: [
      {
        key: 'costWeight',
        label: 'cost weight',
        min: 0,
        max: 100,
        step: 5,
        default: DEFAULT_COST_WEIGHT,
        help: 'reward units lost per dollar spent (GPT-4 costs ~$0.0044 a prompt here, Mixtral ~$0.00004)',
      },
      {
        key: 'evalPrompts',
        label: 'held-out prompts',
        min: 100,
        max: 600,
        step: 50,
        default: 300,
        help: 'prompts kept out of training and scored at each checkpoint',
      },
    ],
    methods: METHODS,
    defaultMethods: ['icq-linear', 'always-weak', 'always-strong', 'random'],
    agents: [
      { id: 'weak', successors: ['checker', 'strong'] },
      { id: 'checker', successors: ['strong'] },
      { id: 'strong', successors: [] },
    ],
    scoreLabel: 'normalized return on held-out prompts',
    ...(missing !== undefined ? { unavailable: missing } : {}),
  };
  return {
    info,
    async open(knobs) {
      if (info.unavailable !== undefined) throw new Error(info.unavailable);
      // Loaded on first use: @baton/adapters pulls in the provider SDKs.
      const { loadRouteLLM, recordedLabel, replayPair } = await import('@baton/adapters');
      const { fixedPipelineHeads, RandomHead } = await import('@baton/learner');
      const { cascadeWorkflow, newCascadeHeads, newMathDraft } = await import('@baton/agents');
      const costWeight = knobs['costWeight'] ?? DEFAULT_COST_WEIGHT;
      const dataset = loadRouteLLM(dir);
      const prompts = dataset.records.map((r) => r.prompt);
      const shuffle = new Rng(SPLIT_SEED);
      for (let i = prompts.length - 1; i > 0; i--) {
        const j = shuffle.int(i + 1);
        [prompts[i], prompts[j]] = [prompts[j] as string, prompts[i] as string];
      }
      const nEval = Math.min(knobs['evalPrompts'] ?? 300, Math.floor(prompts.length / 2));
      const evalSet = prompts.slice(0, nEval);
      const trainSet = prompts.slice(nEval);
      const models = replayPair(dataset);
      const workflow: Workflow<MathDraft> = cascadeWorkflow(recordedLabel(dataset), models, costWeight);

      const greedy = async (heads: Record<string, HandoffHead>) => {
        const runtime = new InProcessRuntime({ workflow, heads });
        const returns: number[] = [];
        let correct = 0;
        let strong = 0;
        let dollars = 0;
        for (const prompt of evalSet) {
          const r = await runtime.runEpisode({ seed: 1, input: newMathDraft(prompt), learn: false, explore: false });
          returns.push(r.return);
          correct += r.terminalReward;
          if (r.path.includes('strong')) strong += 1;
          dollars += r.costUsd;
        }
        const extras: Record<string, number> = {
          accuracy: correct / evalSet.length,
          'share to GPT-4': strong / evalSet.length,
          '$ per prompt': dollars / evalSet.length,
        };
        return { returns, extras };
      };
      const weakOnly = () => fixedPipelineHeads([['weak', 1]], ['checker', 'strong']);
      const weakThenStrong = () =>
        fixedPipelineHeads(
          [
            ['weak', 1],
            ['strong', 1],
          ],
          ['checker'],
        );
      // Every episode's return is one of two per prompt (the checker is free and does not change the graded answer),
      // so the random router (reaches GPT-4 with probability 1/2) and the per-prompt oracle are exact.
      const weak = await greedy(weakOnly());
      const strong = await greedy(weakThenStrong());
      const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const oracle = mean(weak.returns.map((w, i) => Math.max(w, strong.returns[i] as number)));
      const random = mean(weak.returns.map((w, i) => (w + (strong.returns[i] as number)) / 2));
      const normalize = (r: number) => (r - random) / (oracle - random);
      const fixed: Record<Exclude<MathMethod, 'icq-linear'>, Evaluation> = {
        'always-weak': { score: normalize(mean(weak.returns)), extras: weak.extras },
        'always-strong': { score: normalize(mean(strong.returns)), extras: strong.extras },
        random: {
          score: 0,
          extras: Object.fromEntries(Object.keys(weak.extras).map((k) => [k, ((weak.extras[k] ?? 0) + (strong.extras[k] ?? 0)) / 2])),
        },
      };

      return {
        async createLearner(method, _seed): Promise<Learner> {
          if (!(METHODS as readonly string[]).includes(method)) throw new Error(`unknown method ${method}`);
          const m = method as MathMethod;
          const learns = m === 'icq-linear';
          const heads: Record<string, HandoffHead> = learns
            ? { ...newCascadeHeads(workflow, ONLINE_LEARNING) }
            : m === 'always-weak'
              ? weakOnly()
              : m === 'always-strong'
                ? weakThenStrong()
                : { weak: new RandomHead(), checker: new RandomHead(), strong: new RandomHead() };
          let tap: ((event: BatonEvent) => void | Promise<void>) | undefined;
          const quiet = new InProcessRuntime({ workflow, heads });
          const watched = new InProcessRuntime({ workflow, heads, sinks: [(e) => tap?.(e)] });
          const evaluate = async (): Promise<Evaluation> => {
            if (!learns) return fixed[m];
            const g = await greedy(heads);
            return { score: normalize(mean(g.returns)), extras: g.extras };
          };
          return {
            learns,
            heads,
            async runEpisode(episodeSeed, rng, t) {
              tap = t;
              try {
                const prompt = trainSet[rng.int(trainSet.length)] as string;
                await (t ? watched : quiet).runEpisode({ seed: episodeSeed, input: newMathDraft(prompt), learn: learns });
              } finally {
                tap = undefined;
              }
            },
            score: async () => (await evaluate()).score,
            evaluate,
            dispose: () => {},
          };
        },
      };
    },
  };
}
