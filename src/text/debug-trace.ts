import * as fs from 'fs';

/**
 * psad's --debug output (also on with --test-mode): the lines psad 2.4.6
 * prints at its debug points, on the stream it prints them to. Modules
 * that trace take an optional DebugTrace and build no text when it is
 * absent, so the hot path costs one null check per point.
 */
export interface DebugTrace {
  /** text psad prints to STDERR (newlines included, as psad writes them) */
  err(text: string): void;
  /** text psad prints to STDOUT in debug mode */
  out(text: string): void;
  /** --verbose with --debug: psad's "if $debug and $verbose" points */
  readonly verbose: boolean;
  /** --test-mode: is_local() always answers "no" */
  readonly testMode: boolean;
}

/** What psad's sys_log() prints in debug and test mode before it logs (or not). */
export function syslogEcho(d: DebugTrace, msg: string): void {
  d.err(`[+] syslog msg: ${msg}\n`);
}

/**
 * psad's is_local() with its debug line: "[+] is_local(): IP...yes|no", and
 * "(test mode enabled) no" with --test-mode, where the answer is always no.
 */
export function isLocalTraced(d: DebugTrace | null | undefined, ip: string, local: () => boolean): boolean {
  if (!d) return local();
  if (d.testMode) {
    d.err(`[+] is_local(): ${ip}...(test mode enabled) no\n`);
    return false;
  }
  const r = local();
  d.err(`[+] is_local(): ${ip}...${r ? 'yes' : 'no'}\n`);
  return r;
}

/**
 * A DebugTrace writing to file descriptors 1 and 2. Text is kept in order
 * in one buffer and written when it grows large, when flush() is called, or
 * (unbuffered) at once; callers that write stdout themselves flush first,
 * so the two streams interleave as psad's do (its STDOUT is unbuffered).
 */
export class FdDebugTrace implements DebugTrace {
  private chunks: string[] = [];
  private fds: number[] = [];
  private size = 0;

  constructor(readonly verbose: boolean, readonly testMode: boolean, private readonly buffered = true) {}

  err(text: string): void {
    this.add(2, text);
  }

  out(text: string): void {
    this.add(1, text);
  }

  private add(fd: number, text: string): void {
    const n = this.chunks.length;
    if (n && this.fds[n - 1] === fd) this.chunks[n - 1] += text;
    else {
      this.chunks.push(text);
      this.fds.push(fd);
    }
    this.size += text.length;
    if (!this.buffered || this.size > 1 << 16) this.flush();
  }

  flush(): void {
    const chunks = this.chunks;
    const fds = this.fds;
    this.chunks = [];
    this.fds = [];
    this.size = 0;
    for (let i = 0; i < chunks.length; i++) writeAll(fds[i], Buffer.from(chunks[i], 'latin1'));
  }
}

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(fd, b, off, b.length - off);
    } catch (e) {
      // a non-blocking pipe that is full: wait for the reader
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
