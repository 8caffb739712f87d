// Child process for tf.test.ts: @baton/learner where @tensorflow/* cannot be resolved (as when a user installed
// only what tabular heads need). Trains tabular heads through the runtime, then asks for the tfjs backend; prints JSON.
import { register } from 'node:module';

const notInstalled = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) {
    const error = new Error('Cannot find package ' + specifier);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(notInstalled)}`);

const { ensureTfBackend, TabularIcqHead } = await import('@baton/learner');
const { InProcessRuntime } = await import('@baton/core');
const { relayInput, relayWorkflow } = await import('@baton/core/test');

const workflow = relayWorkflow();
const runtime = new InProcessRuntime({ workflow, heads: Object.fromEntries(workflow.agents.map((a) => [a.id, new TabularIcqHead()])) });
let episodes = 0;
for (let seed = 1; seed <= 50; seed++, episodes++) await runtime.runEpisode({ seed, input: relayInput() });
const neural = await ensureTfBackend().then(
  (backend) => ({ backend }),
  (error: unknown) => {
    const { name, code, message } = error as { name?: string; code?: string; message?: string };
    return { name, code, message };
  },
);
console.log(JSON.stringify({ episodes, neural }));
