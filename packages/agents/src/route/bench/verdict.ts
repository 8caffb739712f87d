import type { MethodReport } from './run.ts';

/** The baselines a learned method must beat (issue 13's targets), in the order the verdict names them. */
export const VERDICT_BASELINES = ['best-fixed-cascade', 'supervised-verifier', 'independent-mc'] as const;

type Figure = { readonly what: string; readonly mean: number | null; readonly ci: [number, number] | null };

function figures(m: MethodReport, budgets: readonly number[]): Figure[] {
  return [
    { what: 'AIQ', mean: m.aiq, ci: m.aiqCi },
    ...budgets.map((b) => ({ what: `acc@${b * 100}%`, mean: m.accAtBudget[String(b)] ?? null, ci: m.accAtBudgetCi[String(b)] ?? null })),
  ];
}

const fmt = (f: Figure): string => (f.what === 'AIQ' ? (f.mean ?? 0).toFixed(3) : `${((f.mean ?? 0) * 100).toFixed(1)}%`);

/**
 * One line per learned method (name starting `icq`) and baseline present: where the learned method is above or below
 * it beyond both 95 % intervals (the learned lower bound over the baseline's upper bound, or the reverse). Said plainly
 * when it wins nowhere.
 */
export function verdict(methods: readonly MethodReport[], budgets: readonly number[]): string {
  const learned = methods.filter((m) => m.name.startsWith('icq'));
  if (learned.length === 0) return 'no learned method (icq*) in this run: nothing to compare with the baselines.';
  const lines: string[] = [];
  for (const l of learned) {
    for (const name of VERDICT_BASELINES) {
      const b = methods.find((m) => m.name === name);
      if (!b) {
        lines.push(`${l.name} vs ${name}: not in this run.`);
        continue;
      }
      const above: string[] = [];
      const below: string[] = [];
      const lf = figures(l, budgets);
      const bf = figures(b, budgets);
      lf.forEach((x, i) => {
        const y = bf[i] as Figure;
        if (x.mean === null && y.mean !== null) below.push(`${x.what} (none within budget vs ${fmt(y)})`);
        if (x.mean !== null && y.mean === null) above.push(`${x.what} (${fmt(x)} vs none within budget)`);
        if (!x.ci || !y.ci) return;
        if (x.ci[0] > y.ci[1]) above.push(`${x.what} (${fmt(x)} vs ${fmt(y)})`);
        else if (x.ci[1] < y.ci[0]) below.push(`${x.what} (${fmt(x)} vs ${fmt(y)})`);
      });
      const head = `${l.name} vs ${name}: `;
      if (above.length === 0)
        lines.push(
          `${head}does NOT beat it beyond the 95% CIs anywhere on the curve${below.length ? `; below it at ${below.join(', ')}` : ''}.`,
        );
      else lines.push(`${head}above beyond the 95% CIs at ${above.join(', ')}${below.length ? `; below at ${below.join(', ')}` : ''}.`);
    }
  }
  const ceiling = methods.find((m) => m.name === 'hindsight-agreement');
  if (ceiling) lines.push(ceilingLine(ceiling, learned, budgets));
  return lines.join('\n');
}

/**
 * How far the learned methods are from the hindsight agreement ceiling: the most any policy that decides from which
 * models agreed reaches on this test split. A target above it asks for a signal the drafts' answers do not carry.
 */
function ceilingLine(ceiling: MethodReport, learned: readonly MethodReport[], budgets: readonly number[]): string {
  const cf = figures(ceiling, budgets);
  const gaps = learned.map((l) => {
    const parts = figures(l, budgets).map((x, i) => {
      const y = cf[i] as Figure;
      if (x.mean === null || y.mean === null) return `${x.what} -`;
      const d = y.mean - x.mean;
      return x.what === 'AIQ' ? `AIQ ${d.toFixed(3)}` : `${x.what} ${(d * 100).toFixed(1)} pts`;
    });
    return `${l.name} is below it by ${parts.join(', ')}`;
  });
  return (
    `ceiling from agreement alone (hindsight-agreement, solved on the test split itself): ${cf.map((f) => `${f.what} ${fmt(f)}`).join(', ')}; ` +
    `no policy deciding from which drafted models agreed (up to the same number of calls) is more accurate on this split at the same test cost. ${gaps.join('; ')}.`
  );
}
