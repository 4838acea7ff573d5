import * as fs from 'fs';
import { spawnSync } from 'child_process';

/** fcntl commands of Linux (F_LINUX_SPECIFIC_BASE + 7 and + 8, the same on every architecture). */
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;

/** The largest pipe buffer an unprivileged process may set (/proc/sys/fs/pipe-max-size). */
export function pipeMaxSize(): number {
  try {
    const n = Number(fs.readFileSync('/proc/sys/fs/pipe-max-size', 'latin1').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : 1 << 20;
  } catch {
    return 1 << 20;
  }
}

/*
 * Node has no fcntl(), so a one-line program of the system's perl (essential
 * on Debian) or python3 makes the call; it opens the FIFO read-write (which
 * never blocks) and sets the buffer of the pipe behind it, which lasts as
 * long as any process (kmsgsd, the syslog daemon) keeps the FIFO open.
 */
const PERL = `open(my $f, '+<', $ARGV[0]) or die "$!\\n"; defined(fcntl($f, ${F_SETPIPE_SZ}, $ARGV[1] + 0)) or die "$!\\n"; print fcntl($f, ${F_GETPIPE_SZ}, 0) + 0, "\\n";`;
const PYTHON = `import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NONBLOCK)
fcntl.fcntl(fd, ${F_SETPIPE_SZ}, int(sys.argv[2]))
print(fcntl.fcntl(fd, ${F_GETPIPE_SZ}))`;

/**
 * Gives the pipe behind `fifo` a buffer of `size` bytes (64 KiB by default
 * on Linux: about 250 firewall lines, which rsyslog's `|FIFO` action fills
 * in a millisecond when it replays the kernel log at start-up, and then
 * drops what follows). Returns the buffer size now in force, or why not.
 */
export function enlargePipe(fifo: string, size = pipeMaxSize()): { size: number } | { error: string } {
  const tries: [string, string[]][] = [
    ['perl', ['-e', PERL, fifo, String(size)]],
    ['python3', ['-c', PYTHON, fifo, String(size)]],
  ];
  const errors: string[] = [];
  for (const [cmd, args] of tries) {
    const r = spawnSync(cmd, args, { encoding: 'latin1', timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) {
      errors.push(`${cmd}: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : r.error.message}`);
      continue;
    }
    const got = Number((r.stdout ?? '').trim());
    if (r.status === 0 && got > 0) return { size: got };
    errors.push(`${cmd}: ${(r.stderr ?? '').trim().split('\n').pop() || `exit status ${r.status}`}`);
  }
  return { error: errors.join('; ') };
}
