import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('tfjs is an optional peer (issue 18.7)', () => {
  it('is no dependency of @baton/learner, only an optional peer', () => {
    const manifest = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
      expect(manifest['dependencies']?.[name], name).toBeUndefined();
      expect(manifest['peerDependenciesMeta']?.[name], name).toEqual({ optional: true });
    }
  });

  it('without tfjs installed, tabular heads train and a neural head says what to install', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--conditions=@baton/source',
      '--import',
      'tsx',
      join(here, 'tf-missing.fixture.ts'),
    ]);
    expect(JSON.parse(stdout)).toEqual({
      episodes: 50,
      neural: {
        name: 'UserError',
        code: 'learner.tfjs-missing',
        message:
          'neural heads need @tensorflow/tfjs, an optional peer of @baton/learner: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm',
      },
    });
  });
});
