import * as fs from 'fs';
import { LineSource } from './line-source';
import { LineSplitter } from './line-splitter';

/** A read buffer: lines are handed out as parts of it, so it is not reused but replaced when nearly full. */
const BUFFER = 4 << 20;
const LEAST_READ = 64 << 10;

/**
 * A log read once, to its end, from a descriptor its caller opened and
 * closes (-A, --CSV, -B -m: a file, standard input, a FIFO). Each `read`
 * hands out the lines of one read of the descriptor, and at its end the
 * last line also without a newline.
 */
export class OneShotInput implements LineSource<Buffer> {
  private readonly splitter = new LineSplitter();
  private buf = Buffer.allocUnsafe(BUFFER);
  private used = 0;
  private _state: 'reading' | 'ended' = 'reading';
  private _linesRead = 0;
  readonly problem = '';

  constructor(private readonly fd: number) {}

  get state(): 'reading' | 'ended' {
    return this._state;
  }

  get linesRead(): number {
    return this._linesRead;
  }

  /**
   * One read of the descriptor: its bytes, or null at the end (EAGAIN: an
   * empty chunk). `reuse`: the caller keeps nothing of the previous read, so
   * the buffer is read into from its start again (fresh 4 MiB buffers cost
   * page faults on every read).
   */
  private fill(reuse = false): Buffer | null {
    if (reuse) this.used = 0;
    if (this.buf.length - this.used < LEAST_READ) {
      this.buf = Buffer.allocUnsafe(BUFFER);
      this.used = 0;
    }
    let n: number;
    try {
      n = fs.readSync(this.fd, this.buf, this.used, this.buf.length - this.used, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return this.buf.subarray(0, 0);
      if (code !== 'EOF') throw e;
      n = 0;
    }
    if (n === 0) return null;
    const chunk = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return chunk;
  }

  read(lines: Buffer[]): void {
    if (this._state === 'ended') return;
    const before = lines.length;
    const chunk = this.fill();
    if (chunk === null) {
      const last = this.splitter.finish();
      if (last) lines.push(last);
      this._state = 'ended';
    } else {
      this.splitter.push(chunk, (b, start, end) => {
        lines.push(b.subarray(start, end + 1));
      });
    }
    this._linesRead += lines.length - before;
  }

  /**
   * The lines of one read as latin1 text without their newlines (`eol`
   * false only for a last line without one): the same lines as read(), but
   * the read is decoded once and cut, which costs a third of a Buffer per
   * line. Returns false when `each` stopped.
   */
  readText(each: (line: string, eol: boolean) => boolean | void): boolean {
    if (this._state === 'ended') return true;
    // the lines become strings and the splitter copies what it carries: the buffer can be reused
    const chunk = this.fill(true);
    if (chunk === null) {
      this._state = 'ended';
      const last = this.splitter.finish();
      if (!last) return true;
      this._linesRead++;
      return each(last.toString('latin1'), false) !== false;
    }
    let text: string | null = null;
    return this.splitter.push(chunk, (b, start, end) => {
      this._linesRead++;
      if (b !== chunk) return each(b.toString('latin1', start, end), end < b.length);
      text ??= chunk.toString('latin1');
      return each(text.slice(start, end), true);
    });
  }

  /**
   * The lines of one read as bytes, buf[start, end) without the newline,
   * valid during the call only: the buffer is read into again (no fresh
   * 4 MiB buffer per read, as read() needs). Returns false when `each` stopped.
   */
  readBytes(each: (buf: Buffer, start: number, end: number) => boolean | void): boolean {
    if (this._state === 'ended') return true;
    const chunk = this.fill(true);
    if (chunk === null) {
      this._state = 'ended';
      const last = this.splitter.finish();
      if (!last) return true;
      this._linesRead++;
      return each(last, 0, last.length) !== false;
    }
    return this.splitter.push(chunk, (b, start, end) => {
      this._linesRead++;
      return each(b, start, end);
    });
  }

  /** Stops reading: the rest is not read (the descriptor is its opener's to close). */
  close(): void {
    this.splitter.clear();
    this._state = 'ended';
  }
}


/**
 * Calls `fn(line, eol)` for every line of a file descriptor, read once to
 * its end. Bytes are decoded as latin1 so that every byte survives the round
 * trip to the error log; `eol` is false only for a last line without '\n'.
 * Returning false from `fn` stops the reading.
 */
export function forEachLine(fd: number, fn: (line: string, eol: boolean) => boolean | void): void {
  const input = new OneShotInput(fd);
  while (input.state !== 'ended') if (!input.readText(fn)) return;
}

/** Does buf[start, end) contain "IN" followed later by "OUT" (the -A candidate test)? */
function inOut(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  for (; i + 1 < end; i++) {
    if (buf[i] === 73 && buf[i + 1] === 78) break;
  }
  if (i + 1 >= end) return false;
  for (i += 2; i + 2 < end; i++) {
    if (buf[i] === 79 && buf[i + 1] === 85 && buf[i + 2] === 84) return true;
  }
  return false;
}

/**
 * Counts lines and lines that match /IN.*OUT/ without decoding them. `each`
 * gets the bytes of every such line (for further tests) and returns how many
 * times it counts. Counting stops once `stopAt` (> 0) candidates are found,
 * after reading one more line, as psad's --packets does.
 */
export function countInOutLines(fd: number, each: ((buf: Buffer, start: number, end: number) => number) | null,
  stopAt: number): { lines: number; candidates: number } {
  const input = new OneShotInput(fd);
  let lines = 0;
  let cands = 0;
  let stopped = false;
  while (input.state !== 'ended' && !stopped) {
    input.readBytes((buf, start, end) => {
      lines++;
      if (stopAt > 0 && cands >= stopAt) {
        stopped = true;
        return false;
      }
      if (inOut(buf, start, end)) cands += each ? each(buf, start, end) : 1;
      return true;
    });
  }
  return { lines, candidates: cands };
}
