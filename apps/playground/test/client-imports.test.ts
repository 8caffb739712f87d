import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The client is typed from the server (Hono RPC), and must stay a browser bundle: it may import the server's types,
// never its code (which reads files, spawns runtimes and pulls in node modules).
describe('the browser client', () => {
  it('imports the server and the Baton packages only as types', () => {
    const dir = join(import.meta.dirname, '..', 'src', 'client');
    const offending: string[] = [];
    for (const file of readdirSync(dir).filter((f) => /\.tsx?$/.test(f))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const m of source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        const [statement, , typeOnly, from] = m;
        if ((from?.startsWith('../server') || from?.startsWith('@baton/')) && !typeOnly) offending.push(`${file}: ${statement}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
