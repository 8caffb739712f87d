import { describe, expect, it } from 'vitest';
import { BatonError } from '@baton/core';
import { loadWorkspacePackage } from './bench.ts';

describe('loadWorkspacePackage', () => {
  it('gives the module when it loads', async () => {
    await expect(loadWorkspacePackage('serve', 'apps/playground', () => Promise.resolve({ ok: 1 }))).resolves.toEqual({ ok: 1 });
  });

  it('a package an installed CLI lacks: says the command runs in a checkout, and what was not found', async () => {
    const absent: string = '@baton/no-such-package'; // through a variable, so the compiler does not look for it
    const error = await loadWorkspacePackage('serve', 'apps/playground', () => import(/* @vite-ignore */ absent)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toMatchObject({ code: 'cli.workspace-only' });
    expect((error as Error).message).toMatch(
      /^baton serve runs apps\/playground, which is not published with the CLI: run it in a checkout of the Baton repository \(pnpm install, then pnpm baton serve\)\. Cannot find package '@baton\/no-such-package'/,
    );
  });

  it("any other failure is the package's own, thrown as it is", async () => {
    const broken = new TypeError('x is not a function');
    await expect(loadWorkspacePackage('serve', 'apps/playground', () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
