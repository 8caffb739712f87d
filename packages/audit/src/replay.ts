import { handoffTarget, usageTokens, type BatonEvent } from '@baton/core';
import type { AuditRecord, EventRecord } from './format.ts';
import { readAuditLog } from './read.ts';

/** One episode rebuilt from its records. */
export interface EpisodeReplay {
  readonly episodeId: string;
  readonly workflow: string | undefined;
  /** True when the episode ended and every check passed. */
  readonly ok: boolean;
  /** Every inconsistency found, with the record's sequence number. */
  readonly problems: readonly { readonly seq: number; readonly reason: string }[];
  /** `episode-end`, `error` or `incomplete` (the log stops inside the episode). */
  readonly outcome: 'episode-end' | 'error' | 'incomplete';
  /** Agent ids in the order they held the artifact. */
  readonly path: readonly string[];
  readonly steps: number;
  readonly handoffs: number;
  readonly decisions: number;
  readonly explored: number;
  readonly costUsd: number;
  readonly tokens: number;
  readonly submitter?: string;
  readonly terminalReward?: number;
  readonly return?: number;
}

export interface ReplayResult {
  readonly ok: boolean;
  readonly episodes: readonly EpisodeReplay[];
  /** Problems not tied to one episode (sequence gaps). */
  readonly problems: readonly { readonly seq: number; readonly reason: string }[];
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Replays one episode's events in order, checking each against the state the previous ones built. */
function replayEpisode(episodeId: string, records: readonly EventRecord[]): EpisodeReplay {
  const problems: { seq: number; reason: string }[] = [];
  const path: string[] = [];
  let workflow: string | undefined;
  let learn = true;
  let artifact: string | undefined;
  let holder: string | undefined;
  let working = false;
  let lastDecision: Extract<BatonEvent, { type: 'decision' }> | undefined;
  const owed = new Map<string, { from: string; to: string }>();
  let steps = 0,
    handoffs = 0,
    decisions = 0,
    explored = 0,
    costUsd = 0,
    tokens = 0;
  let outcome: EpisodeReplay['outcome'] = 'incomplete';
  let submitter: string | undefined, terminalReward: number | undefined, ret: number | undefined;
  let submitted = false;

  const expectArtifact = (seq: number, hash: string, what: string): void => {
    if (artifact !== undefined && hash !== artifact)
      problems.push({ seq, reason: `${what}: artifact ${hash.slice(0, 12)} is not the current version ${artifact.slice(0, 12)}` });
  };
  const expectHolder = (seq: number, agent: string, what: string): void => {
    if (agent !== holder) problems.push({ seq, reason: `${what} by "${agent}" but "${holder ?? 'nobody'}" holds the artifact` });
  };

  for (const [i, rec] of records.entries()) {
    const e = rec.event;
    const seq = rec.seq;
    if (i === 0 && e.type !== 'episode-start') problems.push({ seq, reason: 'episode does not begin with episode-start' });
    if (outcome !== 'incomplete') problems.push({ seq, reason: `${e.type} after the episode ended` });
    switch (e.type) {
      case 'episode-start':
        if (i !== 0) problems.push({ seq, reason: 'second episode-start' });
        workflow = e.workflow;
        learn = e.learn ?? true;
        artifact = e.artifactHash;
        holder = e.entry;
        path.push(e.entry);
        break;
      case 'work-start':
        expectHolder(seq, e.agent, 'work-start');
        expectArtifact(seq, e.artifactHash, 'work-start');
        working = true;
        break;
      case 'work-end':
        expectHolder(seq, e.agent, 'work-end');
        if (!working) problems.push({ seq, reason: 'work-end without work-start' });
        expectArtifact(seq, e.artifactHashBefore, 'work-end before');
        artifact = e.artifactHashAfter;
        working = false;
        steps += 1;
        costUsd += e.usage.costUsd ?? 0;
        tokens += usageTokens(e.usage);
        break;
      case 'decision':
        expectHolder(seq, e.agent, 'decision');
        expectArtifact(seq, e.artifactHash, 'decision');
        if (!e.legal.includes(e.action)) problems.push({ seq, reason: `action ${e.action} is not in the legal set` });
        for (const a of Object.keys(e.qValues))
          if (!e.legal.includes(a as never)) problems.push({ seq, reason: `Q-value for ${a}, which is not legal` });
        decisions += 1;
        if (e.explored) explored += 1;
        lastDecision = e;
        break;
      case 'handoff': {
        expectHolder(seq, e.from, 'handoff');
        expectArtifact(seq, e.artifactHash, 'handoff');
        if (!lastDecision || lastDecision.agent !== e.from || handoffTarget(lastDecision.action) !== e.to) {
          problems.push({ seq, reason: `handoff ${e.from} -> ${e.to} does not follow a decision handoff:${e.to} by "${e.from}"` });
        }
        lastDecision = undefined;
        if (learn) owed.set(e.handoffId, { from: e.from, to: e.to });
        handoffs += 1;
        holder = e.to;
        path.push(e.to);
        break;
      }
      case 'scalar-return': {
        const h = owed.get(e.handoffId);
        if (!h) problems.push({ seq, reason: `scalar-return for unknown or already answered handoff ${e.handoffId}` });
        else if (h.from !== e.to || h.to !== e.from)
          problems.push({ seq, reason: `scalar-return ${e.from} -> ${e.to} does not reverse handoff ${h.from} -> ${h.to}` });
        owed.delete(e.handoffId);
        break;
      }
      case 'submit':
        expectHolder(seq, e.agent, 'submit');
        expectArtifact(seq, e.artifactHash, 'submit');
        if (lastDecision?.action !== 'submit' || lastDecision.agent !== e.agent)
          problems.push({ seq, reason: `submit by "${e.agent}" does not follow its submit decision` });
        submitted = true;
        submitter = e.agent;
        terminalReward = e.reward;
        // Grading may cost (a judge panel): it counts toward the episode.
        costUsd += e.usage?.costUsd ?? 0;
        tokens += usageTokens(e.usage);
        break;
      case 'episode-end':
        outcome = 'episode-end';
        ret = e.return;
        if (!submitted) problems.push({ seq, reason: 'episode-end without a submit' });
        if (e.steps !== steps) problems.push({ seq, reason: `episode-end says ${e.steps} steps, the log holds ${steps} work-ends` });
        if (e.handoffs !== handoffs) problems.push({ seq, reason: `episode-end says ${e.handoffs} handoffs, the log holds ${handoffs}` });
        if (!close(e.costUsd, costUsd))
          problems.push({ seq, reason: `episode-end says $${e.costUsd}, the work-ends and grading sum to $${costUsd}` });
        if (e.tokens !== undefined && e.tokens !== tokens)
          problems.push({ seq, reason: `episode-end says ${e.tokens} tokens, the work-ends and grading sum to ${tokens}` });
        for (const id of owed.keys()) problems.push({ seq, reason: `handoff ${id} never got its scalar-return` });
        break;
      case 'error':
        outcome = 'error';
        break;
    }
  }
  return {
    episodeId,
    workflow,
    ok: problems.length === 0 && outcome === 'episode-end',
    problems,
    outcome,
    path,
    steps,
    handoffs,
    decisions,
    explored,
    costUsd,
    tokens,
    ...(submitter === undefined ? {} : { submitter }),
    ...(terminalReward === undefined ? {} : { terminalReward }),
    ...(ret === undefined ? {} : { return: ret }),
  };
}

/**
 * Rebuilds every episode of a log and checks it: sequence numbers contiguous, the artifact hash chain continuous
 * (each work-end starts from the version the previous one produced), each handoff following its holder's decision,
 * every handoff of a learning episode answered by its scalar-return, and the episode-end totals equal to the sum
 * of the work. Does not check hashes: run verifyAuditLog for integrity, replayAudit for consistency.
 */
export async function replayAudit(source: string | readonly string[] | readonly AuditRecord[]): Promise<ReplayResult> {
  const records = isRecords(source) ? source : await readAuditLog(source);
  const problems: { seq: number; reason: string }[] = [];
  const byEpisode = new Map<string, EventRecord[]>();
  records.forEach((rec, i) => {
    if (rec.seq !== i) problems.push({ seq: rec.seq, reason: `sequence number ${rec.seq} at position ${i}` });
    if (rec.kind !== 'event') return;
    const list = byEpisode.get(rec.event.episodeId) ?? [];
    list.push(rec);
    byEpisode.set(rec.event.episodeId, list);
  });
  const episodes = [...byEpisode].map(([id, recs]) => replayEpisode(id, recs));
  return { ok: problems.length === 0 && episodes.every((e) => e.ok), episodes, problems };
}

function isRecords(source: string | readonly string[] | readonly AuditRecord[]): source is readonly AuditRecord[] {
  return typeof source !== 'string' && source.length > 0 && typeof source[0] === 'object';
}
