import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { PsadError } from '../config/errors';
import { LineSource } from './line-source';
import { Carry, LineSplitter, MAX_LINE } from './line-splitter';

/** Creates the FIFO (0600, parents 0700) if missing; refuses a path that is something else. */
export function ensureFifo(fifo: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(fifo);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new PsadError(`Could not check the FIFO ${fifo}: ${(e as Error).message}`);
  }
  if (st) {
    if (!st.isFIFO()) throw new PsadError(`${fifo} exists but is not a named pipe (FIFO); remove it or set PSAD_FIFO_FILE to another path.`);
    return;
  }
  fs.mkdirSync(path.dirname(fifo), { recursive: true, mode: 0o700 });
  const r = spawnSync('mkfifo', ['-m', '600', '--', fifo], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || `exit status ${r.status}`).trim();
    throw new PsadError(`Could not create the FIFO ${fifo}: ${why}`);
  }
  if (!fs.statSync(fifo).isFIFO()) throw new PsadError(`${fifo} was created but is not a FIFO.`);
}

interface OpenFifo {
  fd: number;
  ino: number;
  dev: number;
}

/** Opens a FIFO without blocking and so that it never reports end of file. */
function openFifo(fifo: string): OpenFifo {
  const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const st = fs.fstatSync(fd);
  if (!st.isFIFO()) {
    fs.closeSync(fd);
    throw new PsadError(`${fifo} is not a FIFO.`);
  }
  return { fd, ino: st.ino, dev: st.dev };
}

const message = (e: unknown) => (e as Error)?.message || String(e);

export interface FifoEvents {
  log: (msg: string) => void;
  /** lines are waiting: read them */
  wake: () => void;
}

/**
 * The FIFO kmsgsd reads (PSAD_FIFO_FILE), created if missing: lines as
 * bytes, each with its newline, read as they arrive. A line longer than
 * MAX_LINE is dropped (and said so); a FIFO that fails is reopened every
 * second; a HUP may switch to another path. The unfinished line is kept
 * across a reopen and a switch.
 */
export class FifoSource implements LineSource<Buffer> {
  private fifo: (OpenFifo & { sock: net.Socket }) | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly splitter = new LineSplitter({ maxLine: MAX_LINE, overLong: 'drop' });
  private waiting: Buffer[] = [];
  private closed = false;
  private _state: 'reading' | 'unreadable' = 'reading';
  private detail = '';
  private _linesRead = 0;
  private readonly readBuf = Buffer.allocUnsafe(1 << 16);

  constructor(private _path: string, private readonly events: FifoEvents) {}

  get path(): string {
    return this._path;
  }

  get state(): 'reading' | 'unreadable' {
    return this._state;
  }

  get problem(): string {
    return this._state === 'reading' ? '' : this.detail;
  }

  get linesRead(): number {
    return this._linesRead;
  }

  /** The unfinished last line (kmsgsd passes it on when it stops). */
  get carry(): Carry {
    return this.splitter.carry;
  }

  /** Opens the FIFO (creating it); throws a PsadError when it cannot. */
  open(): void {
    ensureFifo(this._path);
    this.attach(openFifo(this._path));
  }

  read(lines: Buffer[]): void {
    for (const l of this.waiting) lines.push(l);
    this._linesRead += this.waiting.length;
    this.waiting = [];
  }

  private take(chunk: Buffer): void {
    const before = this.splitter.oversized;
    this.splitter.push(chunk, (buf, start, end) => {
      this.waiting.push(buf.subarray(start, end + 1));
    });
    const dropped = this.splitter.oversized - before;
    if (dropped) this.events.log(`dropped ${dropped} line(s) longer than ${MAX_LINE} bytes read from ${this._path}`);
    if (this.waiting.length) this.events.wake();
  }

  private attach(h: OpenFifo): void {
    const sock = new net.Socket({ fd: h.fd, readable: true, writable: false });
    const entry = { ...h, sock };
    sock.on('data', (chunk: Buffer) => {
      if (this.fifo === entry) this.take(chunk);
    });
    const lost = (why: string) => {
      if (this.fifo !== entry || this.closed) return;
      this.events.log(`reading ${this._path} failed (${why}); reopening it`);
      this.fifo = null;
      this._state = 'unreadable';
      this.detail = why;
      sock.destroy();
      this.scheduleReopen();
    };
    sock.on('error', (e) => lost(message(e)));
    sock.on('end', () => lost('end of file'));
    this.fifo = entry;
    this._state = 'reading';
  }

  private scheduleReopen(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed || this.fifo) return;
      try {
        this.open();
      } catch (e) {
        this.detail = message(e);
        this.events.log(`could not reopen ${this._path}: ${message(e)}`);
        this.scheduleReopen();
      }
    }, 1000);
  }

  /** Reads what is in the FIFO right now, without waiting (before switching or stopping). */
  drain(): void {
    if (!this.fifo) return;
    for (let i = 0; i < 4096; i++) {
      let n: number;
      try {
        n = fs.readSync(this.fifo.fd, this.readBuf, 0, this.readBuf.length, null);
      } catch {
        return; // EAGAIN: empty
      }
      if (n <= 0) return;
      this.take(Buffer.from(this.readBuf.subarray(0, n)));
    }
  }

  /**
   * Reads the FIFO at `fifoPath` from now on (HUP: a new path, or the same
   * path replaced or removed), after what is left in the old one; true if
   * it switched (a new FIFO, whose buffer the caller may enlarge).
   */
  switchTo(fifoPath: string): boolean {
    let same = fifoPath === this._path && this.fifo !== null;
    if (same && this.fifo) {
      try {
        const st = fs.statSync(fifoPath);
        same = st.ino === this.fifo.ino && st.dev === this.fifo.dev;
      } catch {
        same = false;
      }
    }
    if (same) return false;
    let h: OpenFifo;
    try {
      ensureFifo(fifoPath);
      h = openFifo(fifoPath);
    } catch (e) {
      this.events.log(`could not use ${fifoPath}: ${message(e)}; still reading ${this._path}`);
      return false;
    }
    this.drain();
    this.detach();
    this._path = fifoPath;
    this.attach(h);
    return true;
  }

  private detach(): void {
    if (!this.fifo) return;
    const f = this.fifo;
    this.fifo = null;
    f.sock.destroy();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.detach();
    this.splitter.clear();
  }
}
