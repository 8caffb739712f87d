import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { loadBindings, loadPromptFile, promptHashId } from '@baton/adapters';

const dir = mkdtempSync(join(tmpdir(), 'baton-prompts-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadPromptFile', () => {
  it('reads JSONL with ids and gold, GSM8K lines as they are, and CSV with a header', () => {
    const jsonl = file(
      'a.jsonl',
      '{"id": "q1", "prompt": "Pick A or B", "gold": "B"}\n\n{"question": "2+2?", "answer": "#### 4"}\n{"prompt": "free", "id": 7}\n',
    );
    expect(loadPromptFile(jsonl)).toEqual([
      { id: 'q1', prompt: 'Pick A or B', gold: 'B', line: 1 },
      { id: promptHashId('2+2?'), prompt: '2+2?', gold: '#### 4', line: 3 },
      { id: '7', prompt: 'free', line: 4 },
    ]);
    const csv = file('a.csv', 'id,prompt,gold\nx,"two\nlines",3\ny,other,\n');
    expect(loadPromptFile(csv)).toEqual([
      { id: 'x', prompt: 'two\nlines', gold: '3', line: 2 },
      { id: 'y', prompt: 'other', line: 4 },
    ]);
  });

  it('names the bad line', () => {
    expect(() => loadPromptFile(file('b.jsonl', '{"prompt": "ok"}\n{"prompt": 3}\n'))).toThrow(
      /b\.jsonl:2: needs a non-empty string "prompt"/,
    );
    expect(() => loadPromptFile(file('c.jsonl', '{"prompt": "ok"}\nnot json\n'))).toThrow(/c\.jsonl:2: not JSON/);
    expect(() => loadPromptFile(file('d.jsonl', '{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}\n'))).toThrow(
      /d\.jsonl:2: id "a" was used on line 1/,
    );
    expect(() => loadPromptFile(file('e.jsonl', '{"prompt": "x"}\n{"prompt": "x"}\n'))).toThrow(/e\.jsonl:2: the same prompt as line 1/);
    expect(() => loadPromptFile(file('f.jsonl', '[1]\n'))).toThrow(/f\.jsonl:1: expected an object/);
    expect(() => loadPromptFile(file('g.jsonl', '\n'))).toThrow(UserError);
  });
});

describe('loadBindings', () => {
  it('reads named bindings in JSON or YAML, in file order', () => {
    const yaml = file(
      'models.yaml',
      'models:\n  org/small-7b: { provider: openai-compatible, model: small, baseURL: "http://localhost:1/v1", prices: { inputPerToken: 0, outputPerToken: 0 } }\n  big: { provider: anthropic, model: claude-haiku-4-5 }\n',
    );
    const { bindings, baseDir } = loadBindings(yaml);
    expect(Object.keys(bindings)).toEqual(['org/small-7b', 'big']);
    expect(bindings.big).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(baseDir).toBe(dir);
  });

  it('reports a bad binding or name with its line', () => {
    const json = file(
      'bad.json',
      '{\n  "models": {\n    "a": { "provider": "openai", "model": "gpt-4o" },\n    "c": { "provider": "openai", "modle": "x" }\n  }\n}\n',
    );
    expect(() => loadBindings(json)).toThrow(UserError);
    expect(() => loadBindings(json)).toThrow(/bad\.json:4:\d+: models\.c\.modle: unknown key/);
    const badName = file('name.json', '{"models": {"a|b": {"provider": "openai", "model": "gpt-4o"}}}');
    expect(() => loadBindings(badName)).toThrow(/name\.json: models: "a\|b": a model name has no "\|"/);
    expect(() => loadBindings(file('empty.json', '{"models": {}}'))).toThrow(/needs at least one model/);
    expect(() => loadBindings(join(dir, 'nope.json'))).toThrow(/cannot read .*nope\.json/);
  });
});
