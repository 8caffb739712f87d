import type { Command } from 'commander';
import { register as audit } from './audit.ts';
import { register as benchAudit } from './bench-audit.ts';
import { register as benchGsm8k } from './bench-gsm8k.ts';
import { register as benchOverhead } from './bench-overhead.ts';
import { register as benchFaults } from './bench-faults.ts';
import { register as benchQueue } from './bench-queue.ts';
import { register as benchRoute } from './bench-route.ts';
import { register as benchSynthetic } from './bench-synthetic.ts';
import { register as config } from './config.ts';
import { register as demo } from './demo.ts';
import { register as record } from './record.ts';
import { register as runMath } from './run-math.ts';
import { register as runPatch } from './run-patch.ts';
import { register as runProof } from './run-proof.ts';
import { register as runRoute } from './run-route.ts';
import { register as runWorkflow } from './run-workflow.ts';
import { register as serve } from './serve.ts';
import { register as train } from './train.ts';
import { register as trainRoute } from './train-route.ts';
import { register as worker } from './worker.ts';

/** Every `baton` command, one registration per line (keep sorted). */
export function registerCommands(program: Command): void {
  audit(program);
  benchAudit(program);
  benchGsm8k(program);
  benchOverhead(program);
  benchFaults(program);
  benchQueue(program);
  benchRoute(program);
  benchSynthetic(program);
  config(program);
  demo(program);
  record(program);
  runMath(program);
  runPatch(program);
  runProof(program);
  runRoute(program);
  runWorkflow(program);
  serve(program);
  train(program);
  trainRoute(program);
  worker(program);
}
