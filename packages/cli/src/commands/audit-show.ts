import type { AuditRecord } from '@baton/audit';
import type { BatonEvent } from '@baton/core';
import { terminalSafe } from '../terminal.ts';

const short = (hash: string): string => hash.slice(0, 10);
/** Dollars: six decimals below a cent, four above. */
export const usd = (n: number): string => `$${n.toFixed(n < 0.01 ? 6 : 4)}`;
export const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));
/** Latency as a person reads it: whole milliseconds, one decimal under 10 ms, seconds past 10 s. */
export const latency = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : ms >= 10 ? `${Math.round(ms)}ms` : `${ms.toFixed(1)}ms`;

/** One event in columns: workflow time, who acted (or `from -> to`), and what happened. */
export interface EventColumns {
  readonly time: string;
  readonly actor: string;
  readonly what: string;
}

/** Who, to whom, why (Q-values, legal set, explored), the scalar back, the cost. */
export function eventColumns(e: BatonEvent): EventColumns {
  const time = num(e.time);
  switch (e.type) {
    case 'episode-start':
      return {
        time: '',
        actor: '',
        what: `episode ${e.episodeId}: workflow ${e.workflow}, seed ${e.seed}, entry ${e.entry}, artifact ${short(e.artifactHash)}${e.learn === false ? ', evaluation' : ''}`,
      };
    case 'work-start':
      return { time, actor: e.agent, what: `starts work on ${short(e.artifactHash)}` };
    case 'work-end': {
      const u = e.usage;
      const parts = [
        `worked ${num(e.duration)}: reward ${num(e.reward)}`,
        u.costUsd !== undefined ? usd(u.costUsd) : 'no cost',
        ...(u.inputTokens !== undefined || u.outputTokens !== undefined ? [`${u.inputTokens ?? 0}+${u.outputTokens ?? 0} tok`] : []),
        ...(u.model ? [u.model] : []),
        ...(u.latencyMs !== undefined ? [latency(u.latencyMs)] : []),
        e.artifactHashAfter === e.artifactHashBefore
          ? 'artifact unchanged'
          : `artifact ${short(e.artifactHashBefore)} -> ${short(e.artifactHashAfter)}`,
      ];
      return { time, actor: e.agent, what: parts.join(', ') };
    }
    case 'decision': {
      const q = e.legal.map((a) => `${a}${a === e.action ? '*' : ''}=${e.qValues[a] === undefined ? '?' : num(e.qValues[a])}`).join(', ');
      return { time, actor: e.agent, what: `decides ${e.action} (${e.explored ? 'explored' : 'greedy'}); Q: ${q}` };
    }
    case 'handoff':
      return {
        time,
        actor: `${e.from} -> ${e.to}`,
        what: `handoff ${e.handoffId}${e.skipped.length ? `, skipping ${e.skipped.join(', ')}` : ''}`,
      };
    case 'scalar-return':
      return { time, actor: `${e.from} -> ${e.to}`, what: `scalar ${num(e.scalar)} back for ${e.handoffId}` };
    case 'submit':
      return {
        time,
        actor: e.agent,
        what:
          `submits ${short(e.artifactHash)}: R = ${num(e.reward)}${e.forced ? ' (budget forced)' : ''}` +
          `${e.usage ? `, grading ${usd(e.usage.costUsd ?? 0)}` : ''}${e.notes ? `; ${JSON.stringify(e.notes)}` : ''}`,
      };
    case 'episode-end':
      return {
        time,
        actor: '',
        what: `end: return ${num(e.return)}, ${e.steps} steps, ${e.handoffs} handoffs, ${usd(e.costUsd)}${e.tokens !== undefined ? `, ${e.tokens} tokens` : ''}`,
      };
    case 'error':
      return { time, actor: e.agent ?? '', what: `ERROR ${e.code}: ${e.message}` };
  }
}

/** Longest actor column before it stops growing (a crafted log may name an agent with a paragraph). */
const MAX_ACTOR = 32;

/**
 * The `audit show` timeline: a header, then one row per event record in aligned columns (record, wall clock, workflow
 * time, actor, event), a blank line between episodes. Every cell is terminal-safe: the text comes from the log.
 */
export function formatTimeline(records: readonly AuditRecord[], episode?: string): string[] {
  const rows: { seq: number; clock: string; columns: EventColumns; start: boolean }[] = [];
  for (const rec of records) {
    if (rec.kind !== 'event' || (episode !== undefined && rec.event.episodeId !== episode)) continue;
    // Escaped before measuring, so that a crafted name is both harmless and still aligned.
    const raw = eventColumns(rec.event);
    const columns = { time: raw.time, actor: terminalSafe(raw.actor), what: terminalSafe(raw.what) };
    rows.push({ seq: rec.seq, clock: new Date(rec.ts).toISOString().slice(11, 23), columns, start: rec.event.type === 'episode-start' });
  }
  if (rows.length === 0) return [];
  const seqWidth = Math.max(6, ...rows.map((r) => String(r.seq).length));
  const timeWidth = Math.max(1, ...rows.map((r) => r.columns.time.length));
  const actorWidth = Math.min(MAX_ACTOR, Math.max(5, ...rows.map((r) => r.columns.actor.length)));
  const line = (seq: string, clock: string, time: string, actor: string, what: string): string =>
    `${seq.padStart(seqWidth)}  ${clock.padEnd(12)}  ${time.padStart(timeWidth)}  ${actor.padEnd(actorWidth)}  ${what}`.trimEnd();
  const out = [line('record', 'clock', 't', 'agent', 'event')];
  rows.forEach((r, i) => {
    if (r.start && i > 0) out.push('');
    out.push(line(String(r.seq), r.clock, r.columns.time, r.columns.actor, r.columns.what));
  });
  return out;
}
