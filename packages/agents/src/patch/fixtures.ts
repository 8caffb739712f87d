import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '@baton/core';
import { loadSnapshot, type RepoSnapshot } from './snapshot.ts';

/** Built-in fixture repositories (each a directory under `__fixtures__/` plus `<name>.recording.json`). */
export const PATCH_FIXTURES = ['median'] as const;
export const DEFAULT_PATCH_FIXTURE = 'median';

const recordingSchema = z.object({
  fixture: z.string(),
  task: z.string(),
  note: z.string(),
  /** Model replies in the order each role asks for them. */
  replies: z.array(z.object({ role: z.enum(['author', 'reviewer', 'reviser']), text: z.string() })),
});
export type PatchRecording = z.infer<typeof recordingSchema>;

export interface PatchFixture {
  readonly name: string;
  readonly dir: string;
  readonly task: string;
  readonly snapshot: RepoSnapshot;
  /** Recorded model replies, served offline by the wire-protocol server. */
  readonly recording: PatchRecording;
}

const FIXTURES_DIR = new URL('./__fixtures__/', import.meta.url);

/** Loads a built-in fixture: its repository snapshot, task and recorded replies. */
export async function loadPatchFixture(name: string = DEFAULT_PATCH_FIXTURE): Promise<PatchFixture> {
  if (!(PATCH_FIXTURES as readonly string[]).includes(name)) {
    throw new UserError(`unknown fixture "${name}" (built-in: ${PATCH_FIXTURES.join(', ')})`, { field: '--fixture' });
  }
  const dir = fileURLToPath(new URL(`${name}/`, FIXTURES_DIR));
  const recording = recordingSchema.parse(JSON.parse(await readFile(new URL(`${name}.recording.json`, FIXTURES_DIR), 'utf8')));
  return { name, dir, task: recording.task, snapshot: await loadSnapshot(dir), recording };
}
