import { createServer } from 'node:net';
import { Option, type Command } from 'commander';
import { topCommand } from './top.ts';
import { UserError } from '@baton/core';
import { port } from '../program.ts';
import { userPath } from '../paths.ts';
import { loadWorkspacePackage } from './bench.ts';

/** A failure to listen that the user caused (port taken, privileged, host not here) as a UserError naming the flag. */
function listenError<E>(error: E, host: string, port: number): E | UserError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new UserError(`port ${port} on ${host} is in use; choose another with --port (0 takes any free port)`, { field: '--port' });
  if (code === 'EACCES')
    return new UserError(`not allowed to listen on port ${port} (ports below 1024 need privileges)`, { field: '--port' });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UserError(`${host} is not an address of this machine`, { field: '--host' });
  return error;
}

/** Fails fast, before the client build, when the port cannot be had; the real listen still reports a late loser. */
async function checkCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(error, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export function register(program: Command): void {
  topCommand(program, 'serve')
    .option('--port <n>', 'port to listen on', port('--port'), 5177)
    .option('--host <host>', 'interface to bind (anything but loopback requires --token)', '127.0.0.1')
    .addOption(new Option('--token <token>', 'access token required on every API request (default: $BATON_TOKEN)').env('BATON_TOKEN'))
    .option('--audit-dir <dir>', 'where training runs write audit logs and the audit browser looks', '.baton/audit')
    .option(
      '--route-report <file>',
      'a report of `baton bench route --json` for the route view (default: a small synthetic bench the server computes)',
    )
    .action(async (opts: { port: number; host: string; token?: string; auditDir: string; routeReport?: string }) => {
      await checkCanListen(opts.host, opts.port);
      // The playground is a workspace app (apps/playground), not a dependency of the published CLI.
      const { startPlayground } = await loadWorkspacePackage('serve', 'apps/playground', () => import('@baton/playground'));
      const running = await startPlayground({
        port: opts.port,
        host: opts.host,
        token: opts.token,
        auditDir: opts.auditDir,
        routeReport: opts.routeReport === undefined ? undefined : userPath(opts.routeReport),
        log: (l) => console.error(l),
      }).catch((error: unknown) => {
        throw listenError(error, opts.host, opts.port);
      });
      console.log(`Baton playground on ${running.url}${opts.token ? ' (open it with ?token=<your token>)' : ''}`);
      await new Promise<void>((resolve) => {
        const shutdown = () => void running.close().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}
