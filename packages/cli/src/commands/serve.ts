import { Option, type Command } from 'commander';
import { startPlayground } from '@baton/playground';
import { positiveInt } from '../program.ts';

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the playground web app: train a workflow, watch the baton move live, compare learning curves, ' +
        'browse and verify audit logs. Binds to 127.0.0.1; any other host needs an access token.',
    )
    .option('--port <n>', 'port to listen on', positiveInt('--port'), 5177)
    .option('--host <host>', 'interface to bind (anything but loopback requires --token)', '127.0.0.1')
    .addOption(new Option('--token <token>', 'access token required on every API request (default: $BATON_TOKEN)').env('BATON_TOKEN'))
    .option('--audit-dir <dir>', 'where training runs write audit logs and the audit browser looks', '.baton/audit')
    .action(async (opts: { port: number; host: string; token?: string; auditDir: string }) => {
      const running = await startPlayground({
        port: opts.port,
        host: opts.host,
        token: opts.token,
        auditDir: opts.auditDir,
        log: (l) => console.error(l),
      });
      console.log(`Baton playground on ${running.url}${opts.token ? ' (open it with ?token=<your token>)' : ''}`);
      await new Promise<void>((resolve) => {
        const shutdown = () => void running.close().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}
