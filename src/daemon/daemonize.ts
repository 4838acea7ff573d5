import { spawn } from 'child_process';
import * as fs from 'fs';
import { readPid } from './pidfile';

const CHILD_ENV = 'PSAD_NODE_DAEMON_CHILD';

// read once and removed, so that programs this process starts (kmsgsd,
// psadwatchd, a restarted psad) do not take themselves for a daemon child
const startedAsChild = process.env[CHILD_ENV] === '1';
delete process.env[CHILD_ENV];

/** True in the background copy started by daemonize(). */
export function isDaemonChild(): boolean {
  return startedAsChild;
}

/**
 * Node cannot fork: the foreground process starts a detached copy of itself
 * (a new session, no controlling terminal, stdin/stdout/stderr on /dev/null)
 * and waits until the copy has written its pid file, so that an init system
 * reading the pid file right after the parent exits finds it (psad 2.4.6's
 * parent exits before the child writes it). `extraEnv` is what the
 * foreground process found out for the copy (an unclean exit). Returns the child's exit status
 * if it died first, else 0; the caller exits with it.
 */
export async function daemonize(pidFile: string, timeoutMs = 30000, extraEnv: Record<string, string> = {}): Promise<number> {
  const child = spawn(process.execPath, process.argv.slice(1), {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...extraEnv, [CHILD_ENV]: '1' },
  });
  let exited: number | null = null;
  child.on('exit', (code, sig) => {
    exited = code ?? (sig ? 128 : 1);
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) return exited || 1;
    if (child.pid && readPid(pidFile) === child.pid) {
      child.unref();
      return 0;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.unref();
  return fs.existsSync(pidFile) ? 0 : 1;
}
