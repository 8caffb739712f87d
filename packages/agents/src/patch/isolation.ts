import { dirname } from 'node:path';

/**
 * How a test run is confined. `bwrap` and `unshare` put it in new user, PID, mount, network and IPC namespaces;
 * `process-group` is the floor where neither works (see docs/decisions/0007-patch-sandbox.md for what each one
 * does and does not stop).
 */
export type IsolationMechanism = 'bwrap' | 'unshare' | 'process-group';

/** The order `auto` tries them in: the strongest first. */
export const ISOLATION_MECHANISMS: readonly IsolationMechanism[] = ['bwrap', 'unshare', 'process-group'];

/** What each mechanism confines, in the words the CLI prints. */
export const ISOLATION_SUMMARY: Readonly<Record<IsolationMechanism, string>> = {
  bwrap:
    'own user, PID, mount, network and IPC namespaces (bubblewrap); the filesystem read-only except the copy and a private HOME/TMPDIR; only its own processes visible; every process ends with the run',
  unshare:
    'own user, PID, mount, network and IPC namespaces (util-linux unshare); the filesystem read-only except the copy and a private HOME/TMPDIR; only its own processes visible; every process ends with the run',
  'process-group':
    'no namespaces work on this machine, so only a keyless launcher, private HOME/TMPDIR, Node permission model for node processes, group kill plus a sweep for processes that left the group; other programs the tests start can still write where you can and read other processes',
};

/** Where a run may write and what it sees. All paths absolute and real (no symlinks). */
export interface Confinement {
  readonly cwd: string;
  /** Directories the run may write: the copy and the private HOME/TMPDIR. */
  readonly writable: readonly string[];
  /** The run's whole environment (no key, no token: built from scratch). */
  readonly env: Readonly<Record<string, string>>;
}

/** The process to spawn (through the launcher) and the environment to spawn it with. */
export interface WrappedCommand {
  readonly argv: readonly [string, ...string[]];
  readonly env: Readonly<Record<string, string>>;
}

/*
 * Runs as PID 1 of the new PID namespace, as root of a user namespace that owns the new mount namespace: every
 * mount becomes read-only, the writable directories are bound back read-write, /proc is mounted afresh (only this
 * namespace's processes), loopback comes up. The command then runs in a nested user namespace under the caller's
 * own uid: it holds no capability, and the read-only mounts are locked for it, so it cannot remount them. A mount
 * that cannot be made read-only stops the run (exit 125) rather than run half confined.
 */
const UNSHARE_SETUP = `set -e
uid=$1 gid=$2 dir=$3 n=$4
shift 4
mount --make-rprivate /
findmnt --list --noheadings --output TARGET | while IFS= read -r mp; do
  case "$mp" in /proc|/proc/*) continue ;; esac
  mount -o remount,bind,ro "$mp" || { echo "baton sandbox: could not make $mp read-only" >&2; exit 125; }
done
while [ "$n" -gt 0 ]; do
  mount --bind "$1" "$1"
  mount -o remount,bind,rw "$1"
  shift
  n=$((n - 1))
done
mount -t proc proc /proc
ip link set lo up 2>/dev/null || true
cd "$dir"
set +e
unshare --user --map-user="$uid" --map-group="$gid" -- "$@"
exit $?`;

/** `--permission` from Node 22.13/23.5 on, `--experimental-permission` before. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/**
 * NODE_OPTIONS that confine every node process of the run (inherited by the children `node --test` starts):
 * writes to the copy and the private directories, reads to those and the Node installation (so `npm test` still
 * finds npm), which keeps node code away from other processes' /proc entries and the user's dotfiles. Child
 * processes stay allowed because `node --test` needs them; that is the model's documented hole, which only the
 * namespaces close.
 */
export function nodePermissionOptions(writable: readonly string[]): string {
  const quoted = (path: string): string => `"${path.replace(/(["\\])/g, '\\$1')}"`;
  const nodePrefix = dirname(dirname(process.execPath));
  return [
    permissionFlag(),
    `--allow-fs-read=${quoted(nodePrefix)}`,
    ...writable.flatMap((dir) => [`--allow-fs-read=${quoted(dir)}`, `--allow-fs-write=${quoted(dir)}`]),
    '--allow-child-process',
    '--allow-worker',
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
  ].join(' ');
}

/** The command line that runs `command` under `mechanism`, confined as `confinement` says. */
export function wrapCommand(
  mechanism: IsolationMechanism,
  command: readonly [string, ...string[]],
  confinement: Confinement,
): WrappedCommand {
  const { cwd, writable, env } = confinement;
  const path = env['PATH'] ?? '/usr/bin:/bin';
  switch (mechanism) {
    case 'bwrap':
      return {
        argv: [
          'bwrap',
          '--unshare-all',
          '--unshare-user',
          '--die-with-parent',
          '--new-session',
          '--cap-drop',
          'ALL',
          '--ro-bind',
          '/',
          '/',
          '--dev',
          '/dev',
          '--proc',
          '/proc',
          '--tmpfs',
          '/dev/shm',
          ...writable.flatMap((dir) => ['--bind', dir, dir]),
          '--chdir',
          cwd,
          '--clearenv',
          ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
          '--',
          ...command,
        ],
        env: { PATH: path },
      };
    case 'unshare': {
      const uid = process.getuid?.() ?? 0;
      const gid = process.getgid?.() ?? 0;
      return {
        argv: [
          'unshare',
          '--user',
          '--map-root-user',
          '--mount',
          '--pid',
          '--net',
          '--ipc',
          '--uts',
          '--fork',
          '--kill-child',
          '--',
          '/bin/sh',
          '-c',
          UNSHARE_SETUP,
          'baton-sandbox',
          String(uid),
          String(gid),
          cwd,
          String(writable.length),
          ...writable,
          ...command,
        ],
        env,
      };
    }
    case 'process-group':
      // NODE_OPTIONS reaches node however it is started (`npm test`, a shell script).
      return { argv: command, env: { ...env, NODE_OPTIONS: nodePermissionOptions(writable) } };
  }
}
