import type { RouteBenchReport } from './run.ts';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The bench's accuracy-cost plot as a standalone SVG: test accuracy against test cost as a share of the best single
 * model's cost (log axis: cheap models sit at 1-5 % of it), one line per method through its train-frontier policies
 * (first seed), single models as labelled dots, the budgets as dashed verticals. Opens in any browser.
 */
export function routePlotSvg(report: RouteBenchReport): string {
  const W = 960;
  const H = 600;
  const L = 70;
  const R = 260;
  const T = 50;
  const B = 60;
  const singles = report.methods.filter((m) => m.name.startsWith('single:'));
  const curves = report.methods.filter((m) => !m.name.startsWith('single:'));
  const all = report.methods.flatMap((m) => m.curve).filter((p) => p.costShare > 0 && Number.isFinite(p.costShare));
  const xmin = Math.min(0.01, ...all.map((p) => p.costShare)) / 1.2;
  const xmax = Math.max(1, ...all.map((p) => p.costShare)) * 1.3;
  const accs = all.map((p) => p.accuracy);
  const ymin = Math.max(0, Math.floor((Math.min(...accs, 1) - 0.02) * 10) / 10);
  const ymax = Math.min(1, Math.ceil((Math.max(...accs, 0) + 0.01) * 20) / 20);
  const x = (s: number): number =>
    L + ((Math.log10(Math.max(s, xmin)) - Math.log10(xmin)) / (Math.log10(xmax) - Math.log10(xmin))) * (W - L - R);
  const y = (a: number): number => H - B - ((a - ymin) / Math.max(1e-9, ymax - ymin)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="24" font-size="15">${escape(`${report.task}: test accuracy vs cost (share of ${report.bestModel}'s cost), ${report.testPrompts} test prompts`)}</text>`,
  ];
  for (let d = Math.floor(Math.log10(xmin)); d <= Math.log10(xmax); d++) {
    for (const k of [1, 2, 5]) {
      const s = k * 10 ** d;
      if (s < xmin || s > xmax) continue;
      out.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`);
      out.push(
        `<text x="${x(s)}" y="${H - B + 16}" text-anchor="middle">${s >= 1 ? s : `${+(s * 100).toPrecision(2)}%`}${s >= 1 ? 'x' : ''}</text>`,
      );
    }
  }
  for (let a = ymin; a <= ymax + 1e-9; a += 0.05) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(a)}" y2="${y(a)}" stroke="#eee"/>`);
    out.push(`<text x="${L - 6}" y="${y(a) + 4}" text-anchor="end">${(a * 100).toFixed(0)}%</text>`);
  }
  for (const b of report.budgets)
    out.push(`<line x1="${x(b)}" x2="${x(b)}" y1="${T}" y2="${H - B}" stroke="#999" stroke-dasharray="4 4"/>`);
  out.push(
    `<line x1="${L}" x2="${W - R}" y1="${y(report.bestAccuracy)}" y2="${y(report.bestAccuracy)}" stroke="#999" stroke-dasharray="2 3"/>`,
  );
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">test cost per prompt / ${escape(report.bestModel)}'s (log)</text>`,
  );
  out.push(`<text x="18" y="${(T + H - B) / 2}" transform="rotate(-90 18 ${(T + H - B) / 2})" text-anchor="middle">test accuracy</text>`);
  for (const m of singles)
    for (const p of m.curve) {
      out.push(
        `<circle cx="${x(p.costShare)}" cy="${y(p.accuracy)}" r="3" fill="#555"><title>${escape(`${p.label}: ${(p.accuracy * 100).toFixed(1)}%`)}</title></circle>`,
      );
      out.push(
        `<text x="${x(p.costShare) + 5}" y="${y(p.accuracy) - 4}" font-size="9" fill="#555">${escape(p.label.slice(p.label.lastIndexOf('/') + 1))}</text>`,
      );
    }
  curves.forEach((m, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const dash = i >= PALETTE.length ? ' stroke-dasharray="6 3"' : '';
    const pts = m.curve.map((p) => `${x(p.costShare).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ');
    if (m.curve.length > 1) out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of m.curve)
      out.push(
        `<circle cx="${x(p.costShare)}" cy="${y(p.accuracy)}" r="${m.curve.length > 1 ? 2.5 : 4.5}" fill="${color}"><title>${escape(`${m.name} ${p.label}: ${(p.accuracy * 100).toFixed(1)}% at ${(p.costShare * 100).toFixed(1)}%`)}</title></circle>`,
      );
    const ly = T + 10 + i * 18;
    out.push(`<line x1="${W - R + 15}" x2="${W - R + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${W - R + 46}" y="${ly + 4}">${escape(`${m.name}  AIQ ${m.aiq.toFixed(3)}`)}</text>`);
  });
  const ly = T + 10 + curves.length * 18;
  out.push(`<circle cx="${W - R + 27}" cy="${ly}" r="3" fill="#555"/><text x="${W - R + 46}" y="${ly + 4}">single models</text>`);
  const notes = [
    'dashed: the budgets',
    `dotted: ${report.bestModel.slice(report.bestModel.lastIndexOf('/') + 1)}'s accuracy`,
    'lines: train-frontier policies',
    `(seed ${String(report.seedList[0])}), scored on test`,
  ];
  notes.forEach((n, i) => out.push(`<text x="${W - R + 15}" y="${ly + 24 + i * 13}" font-size="10" fill="#666">${escape(n)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}
