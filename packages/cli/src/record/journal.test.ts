import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { CallJournal, callKey, type JournalEntry } from './journal.ts';

const entry = (id: string): JournalEntry => ({
  id,
  model: 'm',
  modelId: 'm-1',
  promptSha: 'x',
  status: 'ok',
  text: `answer ${id}`,
  costUsd: 0.01,
});

describe('the call journal', () => {
  it('reads back what it wrote, and cuts a line torn by a crash before appending', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'baton-journal-')), 'out.csv.journal.jsonl');
    const first = new CallJournal(path);
    first.append(entry('a'));
    first.append(entry('b'));
    first.close();
    appendFileSync(path, '{"id": "c", "model": "m", "mod');
    const second = new CallJournal(path);
    expect(second.resumed).toBe(2);
    expect(second.entries.get(callKey('b', 'm'))?.text).toBe('answer b');
    second.append(entry('c'));
    second.close();
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as JournalEntry).id),
    ).toEqual(['a', 'b', 'c']);
  });

  it('refuses a journal it did not write, naming the line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'baton-journal-')), 'other.jsonl');
    writeFileSync(path, `${JSON.stringify(entry('a'))}\n{"something": "else"}\n`);
    expect(() => new CallJournal(path)).toThrow(UserError);
    expect(() => new CallJournal(path)).toThrow(/other\.jsonl:2: not a journal entry/);
  });
});
