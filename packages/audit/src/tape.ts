import type { BatonEvent } from '@baton/core';

/**
 * The audit tape: how the file sink moves events to its writer thread without serialising them on the engine's
 * thread. The engine thread copies each event's fields, in the order its schema below declares, into a Float64Array
 * (numbers, booleans, counts, presence flags) and a string array (ids, hashes, keys, text); the writer thread reads
 * them back with the same schema and writes the JSON, redacts, hashes and appends (see chain-worker.ts). Copying
 * costs a fraction of building JSON text, and the typed array is transferred, not copied, to the writer.
 *
 * The schemas follow the runtimes' object literals, so a runtime event comes out byte-equal to `JSON.stringify`.
 * Anything a schema does not describe (an unknown type, an extra or mistyped field, a nested note) is not lost:
 * that record, or the whole event, travels as `JSON.stringify` text instead.
 */

/**
 * What the writer thread reads. s string, n number, b boolean, ss string array, r flat record of primitives,
 * o object with `fields`. `TapeWriter.copy` writes exactly these, in this order.
 */
export type FieldKind = 's' | 'n' | 'b' | 'ss' | 'r' | 'o';
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly optional?: true;
  readonly fields?: readonly FieldSpec[];
}

const f = (name: string, kind: FieldKind, optional?: 'optional'): FieldSpec => (optional ? { name, kind, optional: true } : { name, kind });
const base = [f('episodeId', 's'), f('time', 'n')];

/** Event types, by tape code (the index), with their fields in emission order. */
export const TAPE_SCHEMAS: readonly {
  readonly type: BatonEvent['type'];
  readonly fields: readonly FieldSpec[];
  readonly freeText: boolean;
}[] = [
  {
    type: 'episode-start',
    freeText: true,
    fields: [
      ...base,
      f('workflow', 's'),
      f('entry', 's'),
      f('seed', 'n'),
      f('artifactHash', 's'),
      f('learn', 'b', 'optional'),
      f('explore', 'b', 'optional'),
    ],
  },
  { type: 'work-start', freeText: false, fields: [...base, f('agent', 's'), f('artifactHash', 's')] },
  {
    type: 'work-end',
    freeText: true,
    fields: [
      ...base,
      f('agent', 's'),
      f('artifactHashBefore', 's'),
      f('artifactHashAfter', 's'),
      f('reward', 'n'),
      f('duration', 'n'),
      f('usage', 'r'),
      f('notes', 'r', 'optional'),
    ],
  },
  {
    type: 'decision',
    freeText: false,
    fields: [
      ...base,
      f('agent', 's'),
      { name: 'view', kind: 'o', fields: [f('projection', 'r'), f('privateState', 'r')] },
      f('legal', 'ss'),
      f('qValues', 'r'),
      f('action', 's'),
      f('explored', 'b'),
      f('artifactHash', 's'),
    ],
  },
  {
    type: 'handoff',
    freeText: false,
    fields: [...base, f('handoffId', 's'), f('from', 's'), f('to', 's'), f('artifactHash', 's'), f('skipped', 'ss')],
  },
  { type: 'scalar-return', freeText: false, fields: [...base, f('handoffId', 's'), f('from', 's'), f('to', 's'), f('scalar', 'n')] },
  {
    type: 'submit',
    freeText: false,
    fields: [
      ...base,
      f('agent', 's'),
      f('artifactHash', 's'),
      f('reward', 'n'),
      f('forced', 'b'),
      f('usage', 'r', 'optional'),
      f('notes', 'r', 'optional'),
    ],
  },
  {
    type: 'episode-end',
    freeText: false,
    fields: [
      ...base,
      f('return', 'n'),
      f('terminalReward', 'n'),
      f('steps', 'n'),
      f('handoffs', 'n'),
      f('costUsd', 'n'),
      f('tokens', 'n', 'optional'),
    ],
  },
  { type: 'error', freeText: true, fields: [...base, f('agent', 's', 'optional'), f('code', 's'), f('message', 's')] },
];

/** Tape code of an event that travels as JSON text (one string). */
export const TAPE_JSON = -1;
/** Flag bit: the event carries text that must pass the redaction screen. */
export const TAPE_FREE_TEXT = 1;
/** Tags of a flat record's values. A record tagged `RECORD_JSON` instead of a count travels as one JSON string. */
export const TAG = { number: 0, string: 1, true: 2, false: 3, null: 4 } as const;
export const RECORD_JSON = -1;
/** Free slots kept before each event, enough for ordinary events; a larger one grows the tape and is copied again. */
const SLOT_MARGIN = 1024;

const CODES = new Map(TAPE_SCHEMAS.map((s, code) => [s.type, code]));

/** One batch, as handed to the writer thread. */
export interface TapeBatch {
  readonly nums: Float64Array;
  /** Slots used in `nums`. */
  readonly length: number;
  readonly strs: string[];
  readonly events: number;
}

/** Own enumerable keys with a defined value (what JSON.stringify writes); a cheap count first, as most events have none undefined. */
function definedKeys(o: object): number {
  let n = 0;
  for (const _ in o) n += 1;
  return n;
}
function definedKeysExact(o: Record<string, unknown>): number {
  let n = 0;
  for (const k in o) if (o[k] !== undefined) n += 1;
  return n;
}

/**
 * Call sites of `TapeWriter.copy` that remember what they copied last. A field mostly holds the same string object
 * as last time (the episode id, the artifact hash, an agent id, a record's keys): comparing with it is a pointer
 * check, where interning costs a hash-map lookup.
 */
const SITE = {
  episode: 0,
  agent: 1,
  to: 2,
  hash: 3,
  hashAfter: 4,
  handoff: 5,
  action: 6,
  text: 7,
  usage: 8,
  notes: 9,
  projection: 10,
  privateState: 11,
  qValues: 12,
  legal: 13,
} as const;
const SITES = 14;

/** One call site's memory: by position, the strings it copied last and their ids in this batch. */
interface SiteCache {
  strs: (string | undefined)[];
  ids: number[];
}
const siteCaches = (): SiteCache[] => Array.from({ length: SITES * 2 }, () => ({ strs: [], ids: [] }));

/**
 * Copies events onto the tape. Per event: code, flags, timestamp, then its fields in `TAPE_SCHEMAS` order. A string
 * is its index in the batch's string table, a boolean 1/0; an optional field is preceded by 1 (present) or 0, a
 * string array by its length, a record by its key count (each key then a tag and the value), an object by its
 * fields, JSON text (`TAPE_JSON`, `RECORD_JSON`) by its string index. One hand-written copier per event type keeps
 * every property access monomorphic (a loop over the schema made them megamorphic and cost three times as much).
 */
export class TapeWriter {
  private nums: Float64Array;
  private n = 0;
  private strs: string[] = [];
  /** Each distinct string goes to the writer once per batch; the tape holds its index in `strs`. */
  private ids = new Map<string, number>();
  /** Per call site (`SITE`), and for records a second one for their string values (`SITES + site`). */
  private sites = siteCaches();
  private count = 0;
  /** Set while copying an event when it turns out to carry free text. */
  private free = false;
  /** Set while copying an event when a field has the wrong type (the event then travels as JSON). */
  private bad = false;

  constructor(private readonly capacity = 32_768) {
    this.nums = new Float64Array(capacity);
  }

  get events(): number {
    return this.count;
  }

  write(event: BatonEvent, ts: number): void {
    if (this.n > this.nums.length - SLOT_MARGIN) this.grow(this.n + SLOT_MARGIN);
    const start = this.n;
    let fields: number;
    for (;;) {
      this.startCopy(start);
      fields = this.copy(event);
      // A typed array drops writes past its end: an event that did not fit is copied again into a bigger tape.
      if (this.n <= this.nums.length) break;
      this.grow(this.n + SLOT_MARGIN);
    }
    if (
      !this.bad &&
      fields >= 0 &&
      (definedKeys(event) === fields || definedKeysExact(event as unknown as Record<string, unknown>) === fields)
    ) {
      const code = CODES.get(event.type) as number;
      this.nums[start] = code;
      this.nums[start + 1] = (TAPE_SCHEMAS[code] as (typeof TAPE_SCHEMAS)[number]).freeText || this.free ? TAPE_FREE_TEXT : 0;
      this.nums[start + 2] = ts;
    } else {
      // Not described by a schema (unknown type, extra or mistyped field): the whole event as JSON text. (Strings
      // already interned stay in the batch, unused.)
      this.n = start;
      this.nums[this.n++] = TAPE_JSON;
      this.nums[this.n++] = TAPE_FREE_TEXT;
      this.nums[this.n++] = ts;
      this.text(JSON.stringify(event));
    }
    this.count += 1;
  }

  /**
   * The batch so far; the writer starts a fresh one, on `reuse` when given (a tape the writer thread has finished
   * with and handed back, which spares an allocation and the garbage collector a large buffer).
   */
  take(reuse?: Float64Array): TapeBatch {
    const batch = { nums: this.nums, length: this.n, strs: this.strs, events: this.count };
    this.nums = reuse && reuse.length >= this.capacity ? reuse : new Float64Array(this.capacity);
    this.n = 0;
    this.strs = [];
    this.ids = new Map();
    // Ids are per batch: what the call sites remember is void.
    this.sites = siteCaches();
    this.count = 0;
    return batch;
  }

  /** Copies the event's fields; returns how many it wrote (to compare with the event's keys), -1 for an unknown type. */
  private copy(e: BatonEvent): number {
    this.s(e.episodeId, SITE.episode);
    this.num(e.time);
    switch (e.type) {
      case 'episode-start':
        this.s(e.workflow, SITE.text);
        this.s(e.entry, SITE.agent);
        this.num(e.seed);
        this.s(e.artifactHash, SITE.hash);
        if (this.present(e.learn)) this.bool(e.learn);
        if (this.present(e.explore)) this.bool(e.explore);
        return 7 + Number(e.learn !== undefined) + Number(e.explore !== undefined);
      case 'work-start':
        this.s(e.agent, SITE.agent);
        this.s(e.artifactHash, SITE.hash);
        return 5;
      case 'work-end':
        this.s(e.agent, SITE.agent);
        this.s(e.artifactHashBefore, SITE.hash);
        this.s(e.artifactHashAfter, SITE.hashAfter);
        this.num(e.reward);
        this.num(e.duration);
        this.record(e.usage, SITE.usage);
        if (this.present(e.notes)) this.record(e.notes, SITE.notes);
        return 9 + Number(e.notes !== undefined);
      case 'decision': {
        this.s(e.agent, SITE.agent);
        const view: unknown = e.view; // typed, but an event from plain JS can carry anything here
        if (typeof view !== 'object' || view === null || definedKeys(view) !== 2) this.bad = true;
        else {
          this.record(e.view.projection, SITE.projection);
          this.record(e.view.privateState, SITE.privateState);
        }
        this.strings(e.legal, SITE.legal);
        this.record(e.qValues, SITE.qValues);
        this.s(e.action, SITE.action);
        this.bool(e.explored);
        this.s(e.artifactHash, SITE.hashAfter);
        return 10;
      }
      case 'handoff':
        this.s(e.handoffId, SITE.handoff);
        this.s(e.from, SITE.agent);
        this.s(e.to, SITE.to);
        this.s(e.artifactHash, SITE.hashAfter);
        this.strings(e.skipped, SITE.legal);
        return 8;
      case 'scalar-return':
        this.s(e.handoffId, SITE.handoff);
        this.s(e.from, SITE.agent);
        this.s(e.to, SITE.to);
        this.num(e.scalar);
        return 7;
      case 'submit':
        this.s(e.agent, SITE.agent);
        this.s(e.artifactHash, SITE.hashAfter);
        this.num(e.reward);
        this.bool(e.forced);
        if (this.present(e.usage)) this.record(e.usage, SITE.usage);
        if (this.present(e.notes)) this.record(e.notes, SITE.notes);
        return 7 + Number(e.usage !== undefined) + Number(e.notes !== undefined);
      case 'episode-end':
        this.num(e.return);
        this.num(e.terminalReward);
        this.num(e.steps);
        this.num(e.handoffs);
        this.num(e.costUsd);
        if (this.present(e.tokens)) this.num(e.tokens);
        return 8 + Number(e.tokens !== undefined);
      case 'error':
        if (this.present(e.agent)) this.s(e.agent, SITE.agent);
        this.s(e.code, SITE.action);
        this.s(e.message, SITE.text);
        return 5 + Number(e.agent !== undefined);
      default:
        return -1;
    }
  }

  /** A string field, copied at call site `site`. */
  private s(v: string, site: number): void {
    if (typeof v !== 'string') {
      this.bad = true;
      return;
    }
    this.nums[this.n++] = this.at(v, this.sites[site] as SiteCache, 0);
  }

  /** The id of `v`, which call site `cache` copies at `position`: a pointer check when it is what the site copied last. */
  private at(v: string, cache: SiteCache, position: number): number {
    if (v === cache.strs[position]) return cache.ids[position] as number;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.strs.length;
      this.strs.push(v);
      this.ids.set(v, id);
    }
    cache.strs[position] = v;
    cache.ids[position] = id;
    return id;
  }

  /** A string seen once (JSON text): not interned. */
  private text(v: string): void {
    this.nums[this.n++] = this.strs.length;
    this.strs.push(v);
  }

  private num(v: number): void {
    if (typeof v !== 'number') this.bad = true;
    this.nums[this.n++] = v;
  }

  private bool(v: boolean): void {
    if (typeof v !== 'boolean') this.bad = true;
    this.nums[this.n++] = v ? 1 : 0;
  }

  /** An optional field's flag: writes 1 and returns true when `v` is there (the caller then copies it), else 0. */
  private present<V>(v: V | undefined): v is V {
    const there = v !== undefined;
    this.nums[this.n++] = there ? 1 : 0;
    return there;
  }

  private strings(v: readonly string[], site: number): void {
    if (!Array.isArray(v)) {
      this.bad = true;
      return;
    }
    const cache = this.sites[site] as SiteCache;
    this.nums[this.n++] = v.length;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item !== 'string') {
        this.bad = true;
        return;
      }
      this.nums[this.n++] = this.at(item, cache, i);
    }
  }

  /** Clears the flags that copying sets (a method, so they are not narrowed to false across `copy`). */
  private startCopy(start: number): void {
    this.free = false;
    this.bad = false;
    this.n = start + 3;
  }

  /** Makes room for at least `slots` slots, keeping what is on the tape before the event being copied. */
  private grow(slots: number): void {
    const bigger = new Float64Array(Math.max(slots, this.nums.length * 2));
    bigger.set(this.nums.subarray(0, Math.min(this.n, this.nums.length)));
    this.nums = bigger;
  }

  /** A flat record of numbers, strings, booleans and nulls; anything else (nesting, arrays, toJSON) as JSON text. */
  private record(o: unknown, site: number): void {
    if (typeof o !== 'object' || o === null) {
      this.bad = true;
      return;
    }
    const r = o as Readonly<Record<string, unknown>>;
    const nums = this.nums;
    const keys = this.sites[site] as SiteCache;
    const values = this.sites[SITES + site] as SiteCache;
    const countAt = this.n++;
    let count = 0;
    let flat = !Array.isArray(r);
    if (flat) {
      for (const k in r) {
        const v = r[k];
        if (v === undefined) continue;
        nums[this.n++] = this.at(k, keys, count);
        if (typeof v === 'number') {
          nums[this.n++] = TAG.number;
          nums[this.n++] = v;
        } else if (typeof v === 'string') {
          nums[this.n++] = TAG.string;
          nums[this.n++] = this.at(v, values, count);
          this.free = true;
        } else if (typeof v === 'boolean') nums[this.n++] = v ? TAG.true : TAG.false;
        else if (v === null) nums[this.n++] = TAG.null;
        else {
          flat = false;
          break;
        }
        count += 1;
      }
    }
    if (flat) {
      nums[countAt] = count;
      return;
    }
    this.n = countAt + 1;
    nums[countAt] = RECORD_JSON;
    this.text(JSON.stringify(r));
    this.free = true;
  }
}
