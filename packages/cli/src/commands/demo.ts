import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { topCommand } from './top.ts';
import { withAuditLog } from '@baton/audit';
import type { EventSink } from '@baton/core';
import {
  CHAIN_NOISE,
  DEFAULT_RELAY,
  differenceCi95,
  KNOBS,
  MAX_STAGES,
  METHOD_DESCRIPTIONS,
  METHOD_NAMES,
  REACHED,
  runSyntheticExperiment,
  runSyntheticExperimentOnTwoThreads,
  type ExperimentResult,
  type MethodName,
} from '@baton/learner';
import { intChoice, outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { efficiencyCells, efficiencyLegend, scoreCell, table } from './synthetic-format.ts';

/** The table the demo prints, one row per method, with what its columns mean. */
export function formatExperiment(result: ExperimentResult): string {
  const seeds = result.methods.find((m) => m.ciOver === 'seeds')?.seeds ?? 0;
  const rows = result.methods.map((m) => [m.name, scoreCell(m), ...efficiencyCells(m)]);
  return [
    table(['method', `normalized return (95% CI over ${seeds} seeds)`, 'curve mean (95% CI)', 'reached', `episodes to ${REACHED}`], rows),
    '',
    efficiencyLegend(result.episodes),
    'fixed-pipeline is scored on runtime episodes (its CI is theirs); random is exact. centralized-oracle is a learner, not the\noptimum: it can end below IC-Q. The optimum (1.000) is the ceiling of every row.',
  ].join('\n');
}

/** One line per method shown, saying what it is. */
export function methodLegend(result: ExperimentResult): string {
  return result.methods.map((m) => `  ${m.name}: ${METHOD_DESCRIPTIONS[m.name]}`).join('\n');
}

// UCB1 is left to `bench synthetic --knob chain`, to keep the demo short.
const RELAY_METHODS: MethodName[] = ['icq-tabular', 'independent-mc', 'centralized-oracle', 'random'];

/** The relay part: where credit has to travel through many handoffs to a noisy grade, with or without the scalar. */
export function formatRelay(result: ExperimentResult, stages: number): string {
  const icq = result.methods.find((m) => m.name === 'icq-tabular');
  const mc = result.methods.find((m) => m.name === 'independent-mc');
  const lines = [
    `Where the one scalar matters: the relay, ${stages} stages (each routes the artifact to one of two agents of the next stage;`,
    `only the end is graded, with noise ±${CHAIN_NOISE}). ${result.methods[0]?.seeds ?? 0} seeds x ${result.episodes.toLocaleString('en-US')} episodes; same scoring.`,
    table(
      ['method', 'final (95% CI)', 'curve mean (95% CI)', 'reached', `episodes to ${REACHED}`],
      result.methods.map((m) => [m.name, scoreCell(m), ...efficiencyCells(m)]),
    ),
  ];
  if (icq && mc) {
    const d = icq.normalizedReturn - mc.normalizedReturn;
    const ci = differenceCi95(icq.perSeed, mc.perSeed);
    lines.push(
      `IC-Q - no-scalar MC: ${d >= 0 ? '+' : ''}${d.toFixed(3)} ± ${ci.toFixed(3)} (${Math.abs(d) > ci ? 'separated' : 'not separated'}). ` +
        'On short chains they tie: `baton bench synthetic --knob chain` moves the length.',
    );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  topCommand(program, 'demo')
    .option('--seeds <n>', 'training seeds per method', positiveInt('--seeds'), 5)
    .option('--episodes <n>', 'training episodes per seed (table learners)', positiveInt('--episodes'), 4000)
    .option('--neural-episodes <n>', 'training episodes per seed (neural IC-Q)', positiveInt('--neural-episodes'), 3000)
    .option('--width <n>', 'hidden width of the neural heads', positiveInt('--width'), 32)
    .addOption(new Option('--methods <list>', 'comma-separated subset of methods').argParser(parseMethods))
    .addOption(
      new Option('--threads <n>', 'threads to spread the methods over (results are identical)')
        .choices(['1', '2'])
        .default(2)
        .argParser(intChoice('--threads', [1, 2])),
    )
    .option(
      '--relay-stages <n>',
      `stages of the relay part, where the one scalar matters (2 to ${MAX_STAGES}; see bench synthetic --knob chain)`,
      intChoice(
        '--relay-stages',
        Array.from({ length: MAX_STAGES - 1 }, (_, i) => i + 2),
      ),
      8,
    )
    .option('--no-relay', 'skip the relay part')
    .option('--json <file>', 'also write the results as JSON', outputFile('--json'))
    .option(
      '--audit <file>',
      'write a hash-chained audit log of the last IC-Q tabular training episodes (signed when BATON_AUDIT_KEY is set); replaces FILE',
      outputFile('--audit'),
    )
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action(
      async (opts: {
        seeds: number;
        episodes: number;
        neuralEpisodes: number;
        width: number;
        methods?: MethodName[];
        json?: string;
        audit?: string;
        progress?: boolean;
        threads: number;
        relay: boolean;
        relayStages: number;
      }) => {
        const started = performance.now();
        const progress = createProgress('training', opts.progress ?? stderrIsTTY());
        const experiment = opts.threads === 2 ? runSyntheticExperimentOnTwoThreads : runSyntheticExperiment;
        const run = (auditSink?: EventSink) =>
          experiment({
            seeds: opts.seeds,
            episodes: opts.episodes,
            neuralEpisodes: opts.neuralEpisodes,
            width: opts.width,
            ...(opts.methods ? { methods: opts.methods } : {}),
            ...(auditSink ? { auditSink } : {}),
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
        let result: ExperimentResult;
        let auditNote = '';
        if (opts.audit) {
          const audited = await withAuditLog(opts.audit, (sink) => run(sink), { overwrite: true });
          result = audited.value;
          auditNote = `audit log: ${opts.audit} (${audited.verify.records} records, ${audited.verify.ok ? 'verified' : 'NOT intact'}${audited.verify.signed ? ', signed' : ''})`;
        } else {
          result = await run();
        }
        const relay = opts.relay
          ? await experiment({
              environment: { kind: 'relay', config: { ...DEFAULT_RELAY, stages: opts.relayStages, noise: CHAIN_NOISE } },
              methods: RELAY_METHODS,
              seeds: opts.seeds,
              episodes: KNOBS.chain.episodes,
              measureThroughput: false,
              onProgress: (done, total, label) => progress.update(done, total, `relay ${label}`),
            })
          : undefined;
        progress.stop();
        const elapsed = (performance.now() - started) / 1000;
        console.log(
          `Synthetic IC-SMDP: 3 agents pass one artifact, each seeing only its own projection of it.\n` +
            `${opts.seeds} seeds x ${opts.episodes.toLocaleString('en-US')} training episodes per method (icq-neural: ${opts.neuralEpisodes.toLocaleString('en-US')}). ` +
            `Each final greedy policy is scored by its exact expected return,\nnormalized: random = 0 (${result.randomReturn.toFixed(4)}), ` +
            `optimum = 1 (${result.optimumReturn.toFixed(4)}, backward induction on the joint model under the runtime's budget).\n`,
        );
        console.log(formatExperiment(result));
        console.log(`\nthe methods:\n${methodLegend(result)}`);
        console.log(`best fixed pipeline: ${result.pipeline.map(([a, k]) => `${a} x${k}`).join(' -> ')}`);
        console.log(
          `\nin-process throughput (IC-Q tabular heads, learning; median of 5 runs after training): ${Math.round(result.decisionsPerSecond).toLocaleString('en-US')} decisions/s`,
        );
        if (relay) console.log(`\n${formatRelay(relay, opts.relayStages)}`);
        if (auditNote) console.log(auditNote);
        console.log(`elapsed: ${elapsed.toFixed(1)} s`);
        if (opts.json) {
          const json = {
            methods: result.methods,
            decisionsPerSecond: result.decisionsPerSecond,
            optimumReturn: result.optimumReturn,
            randomReturn: result.randomReturn,
            pipeline: result.pipeline,
            config: result.config,
            seeds: opts.seeds,
            episodes: opts.episodes,
            neuralEpisodes: opts.neuralEpisodes,
            seconds: elapsed,
            ...(relay ? { relay: { stages: opts.relayStages, noise: CHAIN_NOISE, ...relay } } : {}),
          };
          await writeFile(opts.json, `${JSON.stringify(json, null, 2)}\n`);
          console.log(`wrote ${opts.json}`);
        }
      },
    );
}

function parseMethods(value: string): MethodName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(n))
      throw new InvalidArgumentError(`unknown method "${n}" (one of ${METHOD_NAMES.join(', ')})`);
  }
  return names as MethodName[];
}
