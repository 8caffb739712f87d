import { useEffect, useState } from 'react';
import type { BatonEvent, EpisodeMessage, WorkflowInfo } from './api.ts';
import { Decisions } from './Decisions.tsx';
import type { Tally } from './tally.ts';

const STEP_MS = 180;

/**
 * Animates the latest streamed episode (the holder lights up, handoffs draw an arrow) above the tally: the handoff
 * count and the latest decisions, which follow every episode (see `tally`), not only the animated one.
 */
export function BatonView({ agents, episode, seen }: { agents: WorkflowInfo['agents']; episode: EpisodeMessage | null; seen: Tally }) {
  const [holder, setHolder] = useState<string | null>(null);
  const [edge, setEdge] = useState<[string, string] | null>(null);
  const [outcome, setOutcome] = useState<string>('');

  useEffect(() => {
    if (!episode) return;
    const steps = episode.events.filter(
      (e) => e.type === 'decision' || e.type === 'handoff' || e.type === 'episode-start' || e.type === 'submit' || e.type === 'episode-end',
    );
    let i = 0;
    // A new episode replaces the one being animated; the stream itself is throttled by the server.
    const timer = setInterval(() => {
      const e = steps[i++] as BatonEvent | undefined;
      if (!e) {
        clearInterval(timer);
        return;
      }
      switch (e.type) {
        case 'episode-start':
          setHolder(e.entry);
          setEdge(null);
          setOutcome(`${episode.method} · seed ${episode.seed} · episode ${episode.episode}`);
          break;
        case 'decision':
          setHolder(e.agent);
          break;
        case 'handoff':
          setEdge([e.from, e.to]);
          setHolder(e.to);
          break;
        case 'submit':
          setEdge(null);
          break;
        case 'episode-end':
          setOutcome((o) => `${o} · return ${e.return.toFixed(3)}`);
          break;
        case 'work-start':
        case 'work-end':
        case 'scalar-return':
        case 'error':
          break; // filtered out above
      }
    }, STEP_MS);
    return () => clearInterval(timer);
  }, [episode]);

  const n = agents.length;
  // Small circles once the ring is crowded (a relay of 8 stages has 15 agents).
  const r = n > 6 ? Math.max(11, 30 - 2.5 * (n - 6)) : 30;
  const pos = (id: string) => {
    const i = agents.findIndex((a) => a.id === id);
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return { x: 160 + 110 * Math.cos(angle), y: 130 + 95 * Math.sin(angle) };
  };

  return (
    <div className="baton">
      <svg viewBox="0 0 320 250" className="graph" role="img" aria-label="agents and the baton">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#f59e0b" />
          </marker>
        </defs>
        {agents.flatMap((a) =>
          a.successors.map((s) => {
            const p = pos(a.id),
              q = pos(s);
            return <line key={`${a.id}-${s}`} x1={p.x} y1={p.y} x2={q.x} y2={q.y} stroke="#cbd5e1" strokeWidth={1} />;
          }),
        )}
        {edge &&
          (() => {
            const p = pos(edge[0]),
              q = pos(edge[1]);
            const t = (r + 4) / Math.hypot(q.x - p.x, q.y - p.y);
            return (
              <line
                className="handoff-arrow"
                x1={p.x + (q.x - p.x) * t}
                y1={p.y + (q.y - p.y) * t}
                x2={q.x - (q.x - p.x) * t}
                y2={q.y - (q.y - p.y) * t}
                stroke="#f59e0b"
                strokeWidth={4}
                markerEnd="url(#arrow)"
              />
            );
          })()}
        {agents.map((a) => {
          const p = pos(a.id);
          const on = a.id === holder;
          return (
            <g key={a.id} data-agent={a.id} data-holder={on ? 'yes' : 'no'}>
              <circle cx={p.x} cy={p.y} r={r} fill={on ? '#2563eb' : '#f1f5f9'} stroke={on ? '#1d4ed8' : '#94a3b8'} strokeWidth={2} />
              <text x={p.x} y={p.y + 4} textAnchor="middle" fontSize={n > 6 ? 7 : 11} fill={on ? 'white' : '#0f172a'}>
                {a.id}
              </text>
              {on && (
                <rect
                  className="baton-stick"
                  x={p.x - 14}
                  y={p.y - r - 14}
                  width={28}
                  height={7}
                  rx={3}
                  fill="#f59e0b"
                  transform={`rotate(-20 ${p.x} ${p.y - r - 10})`}
                />
              )}
            </g>
          );
        })}
      </svg>
      <div className="episode-line">
        {outcome || 'start a training run to watch sampled episodes'}{' '}
        <span className="hint">
          handoffs seen: <b data-testid="handoff-count">{seen.handoffs}</b>
        </span>
      </div>
      <Decisions decisions={seen.decisions} />
    </div>
  );
}
