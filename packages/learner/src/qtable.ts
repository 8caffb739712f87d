import { UserError, parseAction, type Action, type InterfaceView } from '@baton/core';

/** One cell: the online estimate q, the target copy qbar, and the visit count n that sets the step size. */
export interface QEntry {
  q: number;
  qbar: number;
  n: number;
}

export type SerializedTable = [state: string, cells: [action: string, q: number, qbar: number, n: number][]][];

/** The tabular key of a view: feature values in the interface's own (stable) order. */
export function tabularKey(view: InterfaceView): string {
  let key = '';
  for (const name in view.projection) key += `${name}=${String(view.projection[name])};`;
  key += '|';
  for (const name in view.privateState) key += `${name}=${String(view.privateState[name])};`;
  return key;
}

/** A Q-table over discretised interface keys, with a target copy that is synced on demand. */
export class QTable {
  private readonly states = new Map<string, Map<Action, QEntry>>();
  private readonly dirty = new Set<QEntry>();

  constructor(private readonly initialQ = 0) {}

  entry(state: string, action: Action): QEntry {
    let row = this.states.get(state);
    if (!row) this.states.set(state, (row = new Map<Action, QEntry>()));
    let cell = row.get(action);
    if (!cell) row.set(action, (cell = { q: this.initialQ, qbar: this.initialQ, n: 0 }));
    return cell;
  }

  /** Reads without creating: unseen cells read as the initial value. */
  peek(state: string, action: Action): QEntry | undefined {
    return this.states.get(state)?.get(action);
  }

  /** Q of each of `actions` in `state`, in order (one row lookup for all of them). */
  qs(state: string, actions: readonly Action[]): number[] {
    const row = this.states.get(state);
    // Sized up front: a pushed-to empty array grows a 17-slot store for the usual one to three actions.
    const out = new Array<number>(actions.length);
    for (let i = 0; i < actions.length; i++) out[i] = row?.get(actions[i] as Action)?.q ?? this.initialQ;
    return out;
  }

  /** max over `actions` of Qbar in `state` (-Infinity for none). */
  maxQbar(state: string, actions: readonly Action[]): number {
    const row = this.states.get(state);
    let best = -Infinity;
    for (let i = 0; i < actions.length; i++) best = Math.max(best, row?.get(actions[i] as Action)?.qbar ?? this.initialQ);
    return best;
  }

  q(state: string, action: Action): number {
    return this.peek(state, action)?.q ?? this.initialQ;
  }

  qbar(state: string, action: Action): number {
    return this.peek(state, action)?.qbar ?? this.initialQ;
  }

  update(state: string, action: Action, target: number, stepSize: (n: number) => number): void {
    const cell = this.entry(state, action);
    cell.n += 1;
    cell.q += stepSize(cell.n) * (target - cell.q);
    this.dirty.add(cell);
  }

  /** Copies q into qbar for every cell changed since the last sync. */
  syncTarget(): void {
    for (const cell of this.dirty) cell.qbar = cell.q;
    this.dirty.clear();
  }

  get size(): number {
    let n = 0;
    for (const row of this.states.values()) n += row.size;
    return n;
  }

  toJSON(): SerializedTable {
    return [...this.states].map(([state, row]) => [
      state,
      [...row].map(([a, c]) => [a, c.q, c.qbar, c.n] as [string, number, number, number]),
    ]);
  }

  static fromJSON(data: SerializedTable, initialQ = 0, field = 'table'): QTable {
    const table = new QTable(initialQ);
    data.forEach(([state, cells], i) => {
      for (const [action, q, qbar, n] of cells) {
        if (![q, qbar, n].every(Number.isFinite)) throw new UserError(`non-finite value in state "${state}"`, { field: `${field}[${i}]` });
        Object.assign(table.entry(state, parseAction(action, `${field}[${i}]`)), { q, qbar, n });
      }
    });
    return table;
  }
}
