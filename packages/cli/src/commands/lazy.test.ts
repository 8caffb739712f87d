import { describe, expect, it } from 'vitest';
import { createProgram } from '@baton/cli';
import { COMMANDS } from './index.ts';
import { TOP_LEVEL } from './top.ts';

describe('lazy command loading', () => {
  it('loads only the modules a command line needs; the rest are listed by name', async () => {
    const program = await createProgram(['audit', 'verify', 'run.audit.jsonl']);
    const byName = new Map(program.commands.map((c) => [c.name(), c]));
    expect(byName.get('audit')?.commands.map((c) => c.name())).toContain('verify');
    for (const stub of ['bench', 'run', 'train', 'demo', 'serve', 'worker', 'config']) {
      expect(byName.get(stub)?.commands).toEqual([]);
      expect(byName.get(stub)?.options).toEqual([]);
    }
  });

  it('registers every top-level command, each with its description, when all are loaded', async () => {
    const program = await createProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(Object.keys(TOP_LEVEL).sort());
    for (const c of program.commands) expect(c.description()).toBe(TOP_LEVEL[c.name()]);
    for (const { paths } of COMMANDS) for (const [top] of paths) expect(Object.keys(TOP_LEVEL)).toContain(top);
  });
});
