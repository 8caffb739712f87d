import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Curves } from './api.ts';

const COLORS: Record<string, string> = {
  'icq-tabular': '#2563eb',
  'icq-neural': '#7c3aed',
  'centralized-oracle': '#059669',
  'independent-mc': '#d97706',
  'ucb-bandit': '#db2777',
  'fixed-pipeline': '#64748b',
  random: '#94a3b8',
  'icq-linear': '#2563eb',
  'always-weak': '#d97706',
  'always-strong': '#059669',
};
const colorOf = (m: string, i: number): string => COLORS[m] ?? (['#0ea5e9', '#84cc16', '#f43f5e'][i % 3] as string);

/** Mean normalized return per method with a 95% band across seeds, and the optimum at 1. */
export function LearningCurves({ curves }: { curves: Curves }) {
  const methods = Object.keys(curves);
  const byEpisode = new Map<number, Record<string, number | [number, number]>>();
  for (const m of methods) {
    for (const p of curves[m] ?? []) {
      const row = byEpisode.get(p.episode) ?? { episode: p.episode };
      row[m] = p.mean;
      row[`${m} band`] = [p.low, p.high];
      byEpisode.set(p.episode, row);
    }
  }
  const data = [...byEpisode.values()].sort((a, b) => (a['episode'] as number) - (b['episode'] as number));
  if (!data.length) return <div className="empty">curves appear at the first checkpoint</div>;
  // The axis follows the means (a baseline may sit below random); the bands of few seeds are clipped, not followed.
  const lowest = Math.min(0, ...methods.flatMap((m) => (curves[m] ?? []).map((p) => p.mean)));
  const yMin = Math.max(-1, Math.min(-0.2, Math.floor(lowest * 4) / 4 - 0.05));
  const yTicks = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1].filter((t) => t >= yMin);
  return (
    <div className="chart" data-testid="curves">
      <ResponsiveContainer width="100%" height={300}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" />
          <XAxis
            dataKey="episode"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(v: number) => v.toLocaleString()}
            fontSize={11}
          />
          <YAxis domain={[yMin, 1.2]} allowDataOverflow ticks={yTicks} fontSize={11} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip
            formatter={(v) =>
              Array.isArray(v) ? v.map((x: number) => x.toFixed(3)).join(' – ') : typeof v === 'number' ? v.toFixed(3) : String(v)
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <ReferenceLine
            y={1}
            stroke="#16a34a"
            strokeDasharray="5 4"
            label={{ value: 'optimum', position: 'insideTopRight', fontSize: 11, fill: '#16a34a' }}
          />
          {methods.map((m, i) => (
            <Area
              key={`${m}-band`}
              dataKey={`${m} band`}
              stroke="none"
              fill={colorOf(m, i)}
              fillOpacity={0.15}
              legendType="none"
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {methods.map((m, i) => (
            <Line
              key={m}
              dataKey={m}
              stroke={colorOf(m, i)}
              strokeWidth={m.startsWith('icq') ? 2.5 : 1.5}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Small curves of the extra figures a workflow reports per checkpoint (e.g. accuracy, share of prompts sent to GPT-4). */
export function ExtraCurves({ curves }: { curves: Curves }) {
  const methods = Object.keys(curves);
  const keys = [...new Set(methods.flatMap((m) => (curves[m] ?? []).flatMap((p) => Object.keys(p.extras ?? {}))))];
  if (!keys.length) return null;
  return (
    <div className="extra-curves" data-testid="extra-curves">
      {keys.map((key) => {
        const byEpisode = new Map<number, Record<string, number>>();
        for (const m of methods) {
          for (const p of curves[m] ?? []) {
            const v = p.extras?.[key];
            if (v === undefined) continue;
            const row = byEpisode.get(p.episode) ?? { episode: p.episode };
            row[m] = v;
            byEpisode.set(p.episode, row);
          }
        }
        const data = [...byEpisode.values()].sort((a, b) => (a['episode'] as number) - (b['episode'] as number));
        const money = key.startsWith('$');
        const fmt = (v: number) => (money ? `$${v.toFixed(4)}` : `${(v * 100).toFixed(0)}%`);
        return (
          <div key={key} className="extra-chart">
            <div className="hint">{key}</div>
            <ResponsiveContainer width="100%" height={140}>
              <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#e2e8f0" />
                <XAxis
                  dataKey="episode"
                  type="number"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={(v: number) => v.toLocaleString()}
                  fontSize={10}
                />
                <YAxis domain={money ? [0, 'auto'] : [0, 1]} tickFormatter={fmt} fontSize={10} width={money ? 52 : 36} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
                {methods.map((m, i) => (
                  <Line
                    key={m}
                    dataKey={m}
                    stroke={colorOf(m, i)}
                    strokeWidth={m.startsWith('icq') ? 2.5 : 1.5}
                    dot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                ))}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        );
      })}
    </div>
  );
}
