import type { Decision } from './tally.ts';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const short = (action: string) => action.replace(/^handoff:/, '→ ');

/** Q per legal action as bars from a shared zero, the preferred one filled, the one taken outlined. */
function QBars({ d }: { d: Decision }) {
  if (d.q.length === 0) return <span className="hint">{d.method}: fixed policy, no Q</span>;
  const lo = Math.min(0, ...d.q.map((x) => x.value));
  const hi = Math.max(0, ...d.q.map((x) => x.value));
  const span = hi - lo || 1;
  const x = (v: number) => ((v - lo) / span) * 100;
  return (
    <div className="qbars">
      {d.q.map(({ action, value }) => (
        <div
          key={action}
          className={`qbar${action === d.preferred ? ' preferred' : ''}${action === d.action ? ' taken' : ''}`}
          data-testid="q-bar"
          title={`Q(${action}) = ${value}`}
        >
          <span className="qlabel">{short(action)}</span>
          <span className="qtrack">
            <span className="qfill" style={{ left: `${Math.min(x(0), x(value))}%`, width: `${Math.max(Math.abs(x(value) - x(0)), 1)}%` }} />
          </span>
          <span className="qvalue">{fmt(value)}</span>
        </div>
      ))}
    </div>
  );
}

/** The few features that moved the preferred action's margin most (server-side counterfactuals, see insight.ts). */
function Drivers({ d }: { d: Decision }) {
  if (d.q.length < 2) return null;
  if (d.drivers.length === 0) return <span className="hint">no single feature moved it</span>;
  return (
    <ul className="drivers" title={`the ${d.drivers.length} of ${d.features} features whose value moved the margin most`}>
      {d.drivers.map((f) => (
        <li key={f.feature} data-testid="driver" className={f.effect > 0 ? 'for' : 'against'}>
          <span className="dname">{f.feature}</span> <span className="dvalue">{fmt(f.value)}</span>{' '}
          <span className="deffect">
            {f.effect > 0 ? '+' : '−'}
            {Math.abs(f.effect).toFixed(2)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The latest decisions, one compact row each: who decided and what, the Q-values per legal action, and the features
 * that moved the decision (signed: + argued for the preferred action over the runner-up, − against it).
 */
export function Decisions({ decisions }: { decisions: readonly Decision[] }) {
  if (decisions.length === 0) return null;
  return (
    <div className="decisions" data-testid="decisions">
      <div className="decision head hint">
        <span>agent · action</span>
        <span>Q per legal action</span>
        <span>features that moved it (effect on the margin)</span>
      </div>
      {decisions.map((d) => (
        <div key={d.key} className={`decision${d.explored ? ' explored' : ''}`} data-testid="decision">
          <div className="who">
            <div>
              <b>{d.agent}</b> <span className="action">{short(d.action)}</span>
            </div>
            <span className="hint">{d.method}</span>
            {d.explored && <span className="pill explored">explored</span>}
          </div>
          <QBars d={d} />
          <Drivers d={d} />
        </div>
      ))}
    </div>
  );
}
