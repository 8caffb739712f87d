// Child process for sandbox.test.ts: a caller that holds API keys in its initial environment (as `baton` does when
// started with OPENAI_API_KEY set) and runs one sandboxed command, printing the result as JSON. It imports the module,
// not the package, to start in well under a second.
import type { IsolationMechanism } from './isolation.ts';
import { runTestsInSandbox } from './sandbox.ts';

const [cwd, isolation, ...command] = process.argv.slice(2);
if (!cwd || !isolation || command.length === 0) throw new Error('usage: sandbox-parent.fixture.ts DIR ISOLATION COMMAND...');
const result = await runTestsInSandbox({
  cwd,
  timeoutMs: 20_000,
  isolation: isolation as IsolationMechanism,
  command: [command[0] ?? '', ...command.slice(1)],
});
process.stdout.write(JSON.stringify(result));
