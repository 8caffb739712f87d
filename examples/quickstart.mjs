import { InProcessRuntime } from '@baton/core';
import { relayInput, relayWorkflow } from '@baton/core/test';
import { TabularIcqHead } from '@baton/learner';
import { createAuditSink, verifyAuditLog } from '@baton/audit';

const workflow = relayWorkflow(); // draft -> check -> polish: each agent learns when to hand the draft on
const heads = Object.fromEntries(workflow.agents.map((agent) => [agent.id, new TabularIcqHead({ initialQ: 0.5 })]));
const audit = createAuditSink({ path: 'quickstart.audit.jsonl', overwrite: true });
const runtime = new InProcessRuntime({ workflow, heads, sinks: [audit.sink] });
const returns = [];
for (let seed = 0; seed < 3000; seed++) returns.push((await runtime.runEpisode({ seed, input: relayInput() })).return);
await audit.close();
const mean = (xs) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
const log = await verifyAuditLog('quickstart.audit.jsonl');
console.log(`return: first 100 ${mean(returns.slice(0, 100))}, last 100 ${mean(returns.slice(-100))}; audit ok=${log.ok}`);
