// First step of `pnpm test`: what the whole suite needs beyond `pnpm install`, checked in well under a second, so a
// fresh machine stops at once with one line naming what to install and how (instead of failing tests minutes later).
// `.ci/run` sets all of it up on Debian.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GSM8K_FILES, gsm8kFetchCommand } from './shared-data.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `>=20.19`-style lower bound of the root package's engines.node, compared with this Node. */
function nodeIsRecentEnough() {
  const wanted = /(\d+)\.(\d+)/.exec(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines?.node ?? '') ?? [];
  const [major, minor] = process.versions.node.split('.').map(Number);
  const [wantMajor, wantMinor] = [Number(wanted[1] ?? 0), Number(wanted[2] ?? 0)];
  return { ok: major > wantMajor || (major === wantMajor && minor >= wantMinor), wanted: `${wantMajor}.${wantMinor}` };
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, name)));

/** Whether a Redis answers PING at `url` within a second. */
function redisAnswers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH from a Redis that wants a password (then REDIS_URL must carry it; the tests will say so).
    socket.on('data', (data) => finish(/^[+-]/.test(data.toString())));
  });
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const gsm8k = join(root, '..', 'shared', 'data', 'routellm-gsm8k');
const missing = [];

const node = nodeIsRecentEnough();
if (!node.ok) missing.push(`Node.js >= ${node.wanted} (this is ${process.versions.node}; e.g. from https://nodejs.org or nvm)`);
if (!executable('/usr/bin/chromium'))
  missing.push('Chromium at /usr/bin/chromium for the playground test (sudo apt-get install -y chromium)');
if (!onPath('redis-server')) missing.push('redis-server for the BullMQ fault tests (sudo apt-get install -y redis-server)');
if (!(await redisAnswers(redisUrl))) {
  missing.push(
    `a Redis answering at ${redisUrl.replace(/\/\/[^@/]*@/, '//***@')} (start one: redis-server --daemonize yes --save "" --appendonly no)`,
  );
}
if (!GSM8K_FILES.every((file) => existsSync(join(gsm8k, file)))) {
  missing.push(`the RouteLLM GSM8K recordings in ${gsm8k} (${gsm8kFetchCommand(gsm8k)})`);
}

if (missing.length > 0) {
  console.error(`pnpm test needs what this machine lacks: ${missing.join('; ')}. .ci/run sets all of it up on Debian.`);
  process.exit(1);
}
