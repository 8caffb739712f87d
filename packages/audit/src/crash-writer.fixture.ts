// Child process for crash.test.ts: writes audited episodes as fast as it can until it is killed.
import { createAuditSink } from '@baton/audit';
import { relayInput, relayRuntime } from '@baton/core/test';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.fixture.ts FILE');
// Small batches and a short interval so that many writes are in flight when the kill lands.
const audit = createAuditSink({ path, flushIntervalMs: 1, flushEvents: 16 });
const runtime = relayRuntime([audit.sink]);
for (let seed = 1; ; seed++) {
  await runtime.runEpisode({ seed, input: relayInput() });
  if (seed % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
