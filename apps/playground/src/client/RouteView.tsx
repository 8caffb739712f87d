import { useEffect, useState } from 'react';
import { api, type RouteView, type RouteViewMethod } from './api.ts';

type Point = RouteViewMethod['hull'][number];

const PALETTE = ['#0ea5e9', '#d97706', '#db2777', '#7c3aed', '#84cc16', '#f43f5e', '#14b8a6', '#a16207', '#64748b'];
const LEARNED = '#2563eb';
const CEILING = '#16a34a';
const SINGLE = '#475569';

/** Each method's colour: the learned method blue, ceilings green, single models slate, baselines from the palette. */
function colours(methods: readonly RouteViewMethod[]): Map<string, string> {
  let i = 0;
  return new Map(
    methods.map((m) => [
      m.name,
      m.kind === 'learned'
        ? LEARNED
        : m.kind === 'ceiling'
          ? CEILING
          : m.kind === 'single'
            ? SINGLE
            : (PALETTE[i++ % PALETTE.length] as string),
    ]),
  );
}

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`);
const shareTick = (s: number) => (s >= 1 ? `${+s.toPrecision(2)}x` : `${+(s * 100).toPrecision(2)}%`);

const W = 640;
const H = 400;
const M = { left: 48, right: 12, top: 12, bottom: 40 };

/** Test accuracy against test cost share (log), one hull line per method; ceilings and single models as dots. */
function RouteChart({ view, colour }: { view: RouteView; colour: Map<string, string> }) {
  const all = view.methods.flatMap((m) => m.points).filter((p) => p.costShare > 0);
  if (all.length === 0) return <div className="empty">the report has no policy with a cost</div>;
  const xmin = Math.min(0.05, ...all.map((p) => p.costShare)) / 1.3;
  const xmax = Math.max(1, ...all.map((p) => p.costShare)) * 1.3;
  const ymin = Math.max(0, Math.floor((Math.min(...all.map((p) => p.accuracy)) - 0.02) * 10) / 10);
  const ymax = Math.min(1, Math.ceil((Math.max(...all.map((p) => p.accuracy)) + 0.01) * 20) / 20);
  const x = (s: number) =>
    M.left + ((Math.log(Math.max(s, xmin)) - Math.log(xmin)) / (Math.log(xmax) - Math.log(xmin))) * (W - M.left - M.right);
  const y = (a: number) => H - M.bottom - ((a - ymin) / Math.max(1e-9, ymax - ymin)) * (H - M.top - M.bottom);
  const xTicks: number[] = [];
  for (let d = Math.floor(Math.log10(xmin)); d <= Math.log10(xmax); d++)
    for (const k of [1, 2, 5]) if (k * 10 ** d >= xmin && k * 10 ** d <= xmax) xTicks.push(k * 10 ** d);
  const yTicks: number[] = [];
  for (let a = ymin; a <= ymax + 1e-9; a += ymax - ymin > 0.3 ? 0.1 : 0.05) yTicks.push(a);
  const path = (ps: readonly Point[]) =>
    ps.map((p, i) => `${i ? 'L' : 'M'}${x(p.costShare).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join('');
  const lines = view.methods.filter((m) => m.kind !== 'single' && m.kind !== 'ceiling' && m.hull.length > 1);
  // The learned method last, so it is drawn on top.
  lines.sort((a, b) => Number(a.kind === 'learned') - Number(b.kind === 'learned'));
  const dots = view.methods.filter((m) => !lines.includes(m));
  const tip = (m: RouteViewMethod, p: Point) => `${m.name}: ${pct(p.accuracy)} at ${pct(p.costShare)} of ${view.bestModel}'s cost`;
  return (
    <svg
      className="route-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="test accuracy against cost share"
      data-testid="route-chart"
    >
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={x(t)} x2={x(t)} y1={M.top} y2={H - M.bottom} stroke="#e2e8f0" />
          <text x={x(t)} y={H - M.bottom + 14} textAnchor="middle" fontSize={10}>
            {shareTick(t)}
          </text>
        </g>
      ))}
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
          <text x={M.left - 4} y={y(t) + 3} textAnchor="end" fontSize={10}>
            {pct(t, 0)}
          </text>
        </g>
      ))}
      {view.budgets.map((b) => (
        <line key={`b${b}`} x1={x(b)} x2={x(b)} y1={M.top} y2={H - M.bottom} stroke="#94a3b8" strokeDasharray="4 4" />
      ))}
      <line x1={M.left} x2={W - M.right} y1={y(view.bestAccuracy)} y2={y(view.bestAccuracy)} stroke="#94a3b8" strokeDasharray="2 3" />
      <rect x={M.left} y={M.top} width={W - M.left - M.right} height={H - M.top - M.bottom} fill="none" stroke="#334155" />
      <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle" fontSize={11}>
        test cost per prompt / {view.bestModel}&apos;s (log; dashed: the budgets)
      </text>
      <text
        x={12}
        y={(M.top + H - M.bottom) / 2}
        transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}
        textAnchor="middle"
        fontSize={11}
      >
        test accuracy
      </text>
      {lines.map((m) => (
        <g key={m.name}>
          <path
            d={path(m.hull)}
            fill="none"
            stroke={colour.get(m.name)}
            strokeWidth={m.kind === 'learned' ? 3 : 1.5}
            data-testid="route-curve"
            data-method={m.name}
          >
            <title>{`${m.name} (hull): AIQ ${m.aiq?.toFixed(3) ?? '–'}`}</title>
          </path>
          {m.points.map((p, i) => (
            <circle key={i} cx={x(p.costShare)} cy={y(p.accuracy)} r={m.kind === 'learned' ? 3 : 2} fill={colour.get(m.name)}>
              <title>{tip(m, p)}</title>
            </circle>
          ))}
        </g>
      ))}
      {dots.map((m) =>
        m.points.map((p, i) => (
          <circle
            key={`${m.name}${i}`}
            cx={x(p.costShare)}
            cy={y(p.accuracy)}
            r={m.kind === 'ceiling' ? 5 : 3.5}
            fill={m.kind === 'ceiling' ? 'white' : colour.get(m.name)}
            stroke={colour.get(m.name)}
            strokeWidth={2}
            data-testid="route-dot"
            data-method={m.name}
          >
            <title>{tip(m, p)}</title>
          </circle>
        )),
      )}
    </svg>
  );
}

/** The route view: a route bench report's accuracy-cost curves, its AIQ and acc@budget table, and its verdict. */
export function RouteBench() {
  const [view, setView] = useState<RouteView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.route().then(setView, (e: unknown) => setError((e as Error).message));
  }, []);
  if (error)
    return (
      <div className="error" role="alert" data-testid="route-error">
        {error}
      </div>
    );
  if (!view) return <div className="empty">loading the route report (the synthetic one takes a few seconds to compute)…</div>;
  const colour = colours(view.methods);
  return (
    <div className="route" data-testid="route-view" data-source={view.source}>
      <p className={view.source === 'synthetic' ? 'route-label synthetic' : 'route-label'} data-testid="route-label">
        {view.label}
      </p>
      <p className="hint">
        {view.task}: {view.trainPrompts} train / {view.testPrompts} test prompts, {view.seeds} seeds; figures on the test split, curves of
        the first seed. Budgets are shares of the best single model&apos;s cost ({view.bestModel}, {pct(view.bestAccuracy)} on test, the
        dotted line). Lines: each method&apos;s non-decreasing convex hull (what AIQ integrates); open dots: ceilings.
      </p>
      <div className="route-grid">
        <RouteChart view={view} colour={colour} />
        <table className="route-table" data-testid="route-table">
          <thead>
            <tr>
              <th>method</th>
              <th>AIQ</th>
              {view.budgets.map((b) => (
                <th key={b}>acc@{+(b * 100).toFixed(0)}%</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.methods.map((m) => (
              <tr key={m.name} data-kind={m.kind} title={m.description}>
                <td>
                  <span className="swatch" style={{ background: colour.get(m.name) }} />
                  {m.name}
                </td>
                <td>{m.aiq === null ? '–' : m.aiq.toFixed(3)}</td>
                {view.budgets.map((b) => (
                  <td key={b}>{pct(m.accAtBudget[String(b)])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Verdict</h3>
      <pre className="route-verdict" data-testid="route-verdict">
        {view.verdict}
      </pre>
    </div>
  );
}
