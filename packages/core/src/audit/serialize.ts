import type { BatonEvent } from '../events.ts';

/** Whether JSON.stringify would escape a character of `s` (quote, backslash, control, or a surrogate, which may be lone). */
const needsEscape = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
};

/** JSON text of a string: plain ids and hashes skip JSON.stringify. */
const str = (s: string): string => (needsEscape(s) ? JSON.stringify(s) : `"${s}"`);
/** JSON text of a number, as JSON.stringify writes it (non-finite -> null). */
const num = (n: number): string => (Number.isFinite(n) ? `${n}` : 'null');
const strs = (xs: readonly string[]): string => {
  let out = '[';
  for (let i = 0; i < xs.length; i++) out += i === 0 ? str(xs[i] as string) : `,${str(xs[i] as string)}`;
  return `${out}]`;
};
/** A flat record of numbers (Q-values); anything else falls back to JSON.stringify. */
const numbers = (o: Readonly<Record<string, unknown>>): string => {
  let out = '{';
  let first = true;
  for (const k in o) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number') return JSON.stringify(o);
    out += `${first ? '' : ','}${str(k)}:${num(v)}`;
    first = false;
  }
  return `${out}}`;
};

/**
 * JSON text of an event, equal in content to `JSON.stringify(event)`: the hot fixed-schema events (ids, hashes,
 * numbers, action names) are written field by field in their declared order, which costs a fraction of a generic
 * stringify; the events that can carry free text, or unknown fields, go through JSON.stringify. Whatever wrote
 * them, the verifier hashes the line as written, so the two never need to agree byte for byte.
 */
export function eventJson(e: BatonEvent): string {
  switch (e.type) {
    case 'work-start':
      return `{"type":"work-start","episodeId":${str(e.episodeId)},"time":${num(e.time)},"agent":${str(e.agent)},"artifactHash":${str(e.artifactHash)}}`;
    case 'decision':
      return `{"type":"decision","episodeId":${str(e.episodeId)},"time":${num(e.time)},"agent":${str(e.agent)},"view":${JSON.stringify(e.view)},"legal":${strs(e.legal)},"qValues":${numbers(e.qValues)},"action":${str(e.action)},"explored":${e.explored === true},"artifactHash":${str(e.artifactHash)}}`;
    case 'handoff':
      return `{"type":"handoff","episodeId":${str(e.episodeId)},"time":${num(e.time)},"handoffId":${str(e.handoffId)},"from":${str(e.from)},"to":${str(e.to)},"artifactHash":${str(e.artifactHash)},"skipped":${strs(e.skipped)}}`;
    case 'scalar-return':
      return `{"type":"scalar-return","episodeId":${str(e.episodeId)},"time":${num(e.time)},"handoffId":${str(e.handoffId)},"from":${str(e.from)},"to":${str(e.to)},"scalar":${num(e.scalar)}}`;
    case 'submit':
      return `{"type":"submit","episodeId":${str(e.episodeId)},"time":${num(e.time)},"agent":${str(e.agent)},"artifactHash":${str(e.artifactHash)},"reward":${num(e.reward)},"forced":${e.forced === true}}`;
    case 'episode-end':
      return `{"type":"episode-end","episodeId":${str(e.episodeId)},"time":${num(e.time)},"return":${num(e.return)},"terminalReward":${num(e.terminalReward)},"steps":${num(e.steps)},"handoffs":${num(e.handoffs)},"costUsd":${num(e.costUsd)}${e.tokens === undefined ? '' : `,"tokens":${num(e.tokens)}`}}`;
    default:
      return JSON.stringify(e);
  }
}
