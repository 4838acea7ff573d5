import * as fs from 'fs';
import { LineSource } from './line-source';
import { LineSplitter, MAX_LINE } from './line-splitter';
import { TailPosition, startOffset, tailChange } from './rotation';

type TailState = 'reading' | 'missing' | 'unreadable';

/** Closes a descriptor if it is one; an error closing it changes nothing for the caller. */
export function closeQuietly(fd: number): void {
  if (fd < 0) return;
  try {
    fs.closeSync(fd);
  } catch {
    /* nothing to do */
  }
}

/**
 * Follows a log file psad reads (IPT_SYSLOG_FILE, FW_DATA_FILE written by
 * kmsgsd, ULOG_DATA_FILE, --messages-file) across rotation (rotation.ts
 * decides): complete lines only (a partial last line waits for its end; one
 * longer than MAX_LINE is passed on as a line), the rest of a rotated file
 * before the new one, a file truncated in place from its start. A file that
 * is not there is never created: the tail says so once, names the variable
 * that points at it, and opens the file when it appears (reading it from
 * its start: every line in it is new). Each state change is reported once
 * through `log`.
 */
export class FileTail implements LineSource {
  private fd = -1;
  private inode = 0;
  private pos = 0;
  private readonly splitter = new LineSplitter({ maxLine: MAX_LINE, overLong: 'pass' });
  private _linesRead = 0;
  private _state: TailState = 'missing';
  private detail = '';
  private removedNoted = false;
  private readonly buf = Buffer.allocUnsafe(1 << 20);

  constructor(readonly path: string, readonly variable: string, private readonly log: (msg: string) => void) {}

  get state(): TailState {
    return this._state;
  }

  get linesRead(): number {
    return this._linesRead;
  }

  /** Why the file cannot be read (the system error), '' while reading. */
  get problem(): string {
    return this._state === 'reading' ? '' : this.detail;
  }

  position(): TailPosition {
    return { inode: this.fd >= 0 ? this.inode : 0, offset: this.fd >= 0 ? this.pos : 0 };
  }

  /**
   * Opens the file: at its end (psad skips what is already there), or at a
   * saved position when that position is still in the same file (the
   * lines written meanwhile are read); false if it cannot be opened now.
   */
  open(at: 'end' | TailPosition): boolean {
    this.close();
    let st: fs.Stats;
    try {
      this.fd = fs.openSync(this.path, 'r');
      st = fs.fstatSync(this.fd);
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
      this.opened = true;
      return false;
    }
    this.inode = st.ino;
    this.pos = startOffset(at, st);
    this.setState('reading', '');
    this.opened = true;
    return true;
  }

  close(): void {
    closeQuietly(this.fd);
    this.fd = -1;
    this.splitter.clear();
  }

  /** Truncated (by psad's disk-space check, or in place): read from the start again. */
  rewind(): void {
    this.pos = 0;
    this.splitter.clear();
  }

  private fail(e: NodeJS.ErrnoException): void {
    if (this.fd >= 0) this.close();
    const missing = e.code === 'ENOENT' || e.code === 'ENOTDIR';
    const detail = e.code === 'ENOENT' ? 'no such file' : e.message;
    this.setState(missing ? 'missing' : 'unreadable', detail);
  }

  private setState(s: TailState, detail: string): void {
    const was = this._state;
    const wasDetail = this.detail;
    this._state = s;
    this.detail = detail;
    if (s === was && detail === wasDetail) return;
    if (s === 'missing') {
      this.log(`${this.variable} ${this.path} does not exist; psad does not create it and reads it when it appears`);
    } else if (s === 'unreadable') {
      this.log(`${this.variable} ${this.path} cannot be read (${detail}); psad reads it when it can`);
    } else if (was !== 'reading' && this.opened) {
      this.log(`${this.variable} ${this.path} ${was === 'missing' ? 'exists now' : 'can be read now'}; reading it from its start`);
    }
  }

  /** true after the first attempt to open (a later success is news, the first is not) */
  private opened = false;

  /** Appends the complete lines written since the last call to `lines`. */
  read(lines: string[]): void {
    const before = lines.length;
    this.readInto(lines);
    this._linesRead += lines.length - before;
  }

  private readInto(lines: string[]): void {
    if (this.fd < 0) {
      // missing or unreadable until now: everything in it is new
      if (!this.open({ inode: -1, offset: 0 })) return;
    }
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(this.path);
    } catch (e) {
      st = null;
      if (!this.removedNoted && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.log(`${this.variable} ${this.path} was removed or renamed; reading the rest of it and waiting for the new file`);
        this.removedNoted = true;
      }
    }
    if (st) this.removedNoted = false;
    const change = tailChange(this.inode, this.pos, st);
    if (change === 'truncated') this.rewind();
    this.drain(lines);
    if (change === 'rotated') {
      this.log(`iptables syslog file ${this.path} shrank or was rotated, so re-opening`);
      const rest = this.splitter.finish();
      if (rest) lines.push(rest.toString('latin1'));
      this.open({ inode: -1, offset: 0 });
      if (this.fd >= 0) this.drain(lines);
    }
  }

  private drain(lines: string[]): void {
    const line = (buf: Buffer, start: number, end: number) => {
      lines.push(buf.toString('latin1', start, end));
    };
    for (;;) {
      let n = 0;
      try {
        n = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      } catch (e) {
        this.log(`could not read ${this.variable} ${this.path}: ${(e as Error).message}`);
        return;
      }
      if (n <= 0) return;
      this.pos += n;
      this.splitter.push(this.buf.subarray(0, n), line);
    }
  }
}
