import { REACHED, type KnobResult, type MethodResult } from '@baton/learner';

/** Left-aligned columns with a rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** A difference whose CI excludes 0 names the method ahead; otherwise it is a tie. */
const verdict = (d: { readonly difference: number; readonly separated: boolean }) =>
  !d.separated ? 'tie' : d.difference > 0 ? 'IC-Q ahead' : 'MC ahead';

/** "0.975 ± 0.021" over seeds; "0.451 ± 0.004 (episodes)" for a runtime evaluation; "0.000 (exact)" with no uncertainty. */
export function scoreCell(m: MethodResult): string {
  if (m.ciOver === 'exact') return `${m.normalizedReturn.toFixed(3)} (exact)`;
  if (m.ciOver === 'episodes') return `${m.normalizedReturn.toFixed(3)} ± ${m.ci95.toFixed(3)} (eval episodes)`;
  if (m.seeds < 2) return `${m.normalizedReturn.toFixed(3)} (1 seed, no CI)`;
  return `${m.normalizedReturn.toFixed(3)} ± ${m.ci95.toFixed(3)}`;
}

/** Curve mean and "reached" cells for a learned method; dashes for a method that does not train. */
export function efficiencyCells(m: MethodResult): [string, string, string] {
  if (m.curveMean === null) return ['-', '-', '-'];
  const curve = m.seeds < 2 ? m.curveMean.toFixed(3) : `${m.curveMean.toFixed(3)} ± ${(m.curveMeanCi95 ?? 0).toFixed(3)}`;
  return [curve, `${m.reached}/${m.seeds}`, m.episodesTo95 === null ? 'not reached' : String(m.episodesTo95)];
}

/** What the sample-efficiency columns mean, printed under every table that has them. */
export function efficiencyLegend(episodes: number, every = 250): string {
  return [
    `curve mean: normalized return averaged over the learning curve's checkpoints (every ${every} episodes up to ${episodes}): higher = learns sooner.`,
    `reached: seeds whose greedy policy scored >= ${REACHED} at some checkpoint; episodes to ${REACHED}: median over those seeds of the first`,
    `such checkpoint ("not reached" when no seed got there within ${episodes} episodes).`,
  ].join('\n');
}

/** The knob sweep as text: one table for width/interface/mixing, one block per point for chain. */
export function formatKnob(result: KnobResult): string {
  const out: string[] = [];
  if (result.knob === 'chain') {
    out.push(
      `knob chain: ${result.describe}; grader noise ±${String(result.noise)}; ${result.seeds} seeds x ${result.episodes} episodes per method and point.`,
      'Scores are exact expected returns of each greedy policy, normalized: random = 0, optimum (backward induction) = 1.\n',
    );
    for (const [i, p] of result.points.entries()) {
      out.push(`chain = ${p.value} stages (optimum return ${p.optimumReturn.toFixed(4)}, random ${p.randomReturn.toFixed(4)})`);
      out.push(
        table(
          ['method', 'final (95% CI)', 'curve mean (95% CI)', 'reached', `episodes to ${REACHED}`],
          p.methods.map((m) => [m.name, scoreCell(m), ...efficiencyCells(m)]),
          '  ',
        ),
      );
      const c = result.comparisons[i];
      if (c)
        out.push(
          `  IC-Q - no-scalar MC (Welch 95% CI of the difference): final ${signed(c.final.difference)} ± ${c.final.ci95.toFixed(3)} (${verdict(c.final)}),` +
            ` curve mean ${signed(c.curve.difference)} ± ${c.curve.ci95.toFixed(3)} (${verdict(c.curve)})\n`,
        );
    }
    for (const [key, label] of [
      ['final', 'final return'],
      ['curve', 'sample efficiency (curve mean)'],
    ] as const) {
      const at = (v: string) =>
        result.comparisons
          .filter((c) => verdict(c[key]) === v)
          .map((c) => c.value)
          .join(', ') || 'none';
      out.push(`${label}: IC-Q ahead at chain = ${at('IC-Q ahead')}; tie at ${at('tie')}; MC ahead at ${at('MC ahead')}.`);
    }
    out.push(efficiencyLegend(result.episodes));
    return out.join('\n');
  }
  out.push(
    `knob ${result.knob}: ${result.describe}; ${result.points[0]?.methods[0]?.name ?? ''}, ${result.seeds} seeds x ${result.episodes} episodes per point.`,
    'error = optimum return - exact return of the final greedy policy (budget and forced submits included); it lies in [0, optimum - random].',
  );
  out.push(
    table(
      ['value', 'error (95% CI)', 'optimum', 'random', 'within [0, optimum - random]'],
      result.points.map((p) => [
        String(p.value),
        `${p.error.toFixed(4)} ± ${p.ci95.toFixed(4)}`,
        p.optimumReturn.toFixed(4),
        p.randomReturn.toFixed(4),
        p.withinSpan ? 'yes' : 'NO',
      ]),
    ),
  );
  if (result.points.some((p) => !p.withinSpan))
    out.push(
      'NO: some seed ended with a greedy policy worse than random: an optimization failure (for width, a collapsed network), not the error source this knob moves.',
    );
  const { direction, held, beyondCi } = result.predicted;
  out.push(
    `direction predicted by docs/ICQ.md (${direction}): ${held ? 'yes' : 'NO'}${beyondCi ? ', beyond the CIs' : ', but within the CIs'}`,
  );
  if (result.knob === 'mixing') {
    const first = result.points[0];
    const last = result.points[result.points.length - 1];
    const n = first?.samples.length ?? 0;
    const unique = [...new Set([0, 1, 3, 7, n - 1].filter((k) => k >= 0 && k < n))];
    out.push(`samples axis (docs/ICQ.md: the mixing residual shrinks with samples): IC-Q's error after n training episodes`);
    out.push(
      table(
        ['mixing', ...unique.map((k) => `n = ${first?.samples[k]?.episode ?? ''}`)],
        [first, last]
          .filter((p) => p !== undefined)
          .map((p) => [
            String(p.value),
            ...unique.map((k) => `${(p.samples[k]?.error ?? NaN).toFixed(4)} ± ${(p.samples[k]?.ci95 ?? NaN).toFixed(4)}`),
          ]),
      ),
    );
  }
  return out.join('\n');
}
