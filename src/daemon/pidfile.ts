import * as fs from 'fs';

/** The pid in a pid file (all its digits), or 0 when missing/unreadable/empty. */
export function readPid(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    return 0;
  }
  const m = /^\s*(\d+)/.exec(text);
  if (!m) return 0;
  const pid = Number(m[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

/**
 * Is a process with this pid alive (signal 0)? A zombie (dead, not yet
 * reaped) answers signal 0 too; it counts as dead.
 */
export function pidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch (e) {
    // gone meanwhile, or no /proc (then trust signal 0)
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync('/proc/self/stat');
  }
}

/** The pid of the pid file if that process runs, else 0 (psad's is_running). */
export function runningPid(file: string): number {
  const pid = readPid(file);
  return pidAlive(pid) ? pid : 0;
}

/** Writes "<pid>\n" with mode 0600, through a temporary file and a rename. */
export function writePidFile(file: string, pid = process.pid): void {
  const tmp = `${file}.${pid}.tmp`;
  fs.writeFileSync(tmp, `${pid}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the pid file if it still names this process (never another's). */
export function removeOwnPidFile(file: string, pid = process.pid): void {
  if (readPid(file) === pid) {
    try {
      fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
}
