/** psad's longest line, 4 MiB: a longer one is no log line (what happens to it is each source's choice). */
export const MAX_LINE = 4 << 20;

const NL = 0x0a;

/** The unfinished line carried from one chunk to the next; never modified (a new one replaces it). */
export interface Carry {
  readonly parts: readonly Buffer[];
  readonly length: number;
  /** inside a line that exceeded the limit: skip up to its newline */
  readonly dropping: boolean;
}

export const EMPTY_CARRY: Carry = Object.freeze({ parts: Object.freeze([]) as readonly Buffer[], length: 0, dropping: false });

export interface SplitOptions {
  /** the most bytes a line may have, without its newline (default: no limit) */
  maxLine?: number;
  /**
   * A line over `maxLine`: 'drop' skips it up to its newline and counts it
   * in `oversized` (kmsgsd); 'pass' hands its unfinished part on as a line
   * once that part is longer after a chunk, and goes on with what follows
   * (the file tail). A line that ends within the chunk is whole either way
   * under 'pass'.
   */
  overLong?: 'drop' | 'pass';
}

/**
 * Gets each line: the bytes buf[start, end), where buf[end] is its newline,
 * or end === buf.length for a line without one. Returning false stops the
 * splitting. `buf` may be the chunk: a line that must outlive the call is
 * copied or kept with the chunk.
 */
export type LineFn = (buf: Buffer, start: number, end: number) => boolean | void;

/**
 * The one line splitter of psad-node (the file tail, the read command, the
 * FIFO, -A's input): bytes in, complete lines out, the unfinished last line
 * carried to the next chunk. Bytes are not decoded here: the sources decode
 * as latin1 (every byte survives) or keep the bytes (kmsgsd). What is
 * carried is copied out of the chunk, so a reader may reuse its buffer.
 */
export class LineSplitter {
  private _carry: Carry;
  private readonly maxLine: number;
  private readonly overLong: 'drop' | 'pass';
  /** lines dropped as longer than `maxLine` ('drop') */
  oversized = 0;

  constructor(opts: SplitOptions = {}, carry: Carry = EMPTY_CARRY) {
    this.maxLine = opts.maxLine ?? Infinity;
    this.overLong = opts.overLong ?? 'drop';
    this._carry = carry;
  }

  get carry(): Carry {
    return this._carry;
  }

  /** Splits a chunk; false if `each` stopped it. */
  push(chunk: Buffer, each: LineFn): boolean {
    const max = this.maxLine;
    const drop = this.overLong === 'drop';
    let { parts, length, dropping } = this._carry;
    let pos = 0;
    let stopped = false;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        const rest = chunk.length - pos;
        if (dropping) break;
        if (drop && length + rest > max) {
          this.oversized++;
          dropping = true;
          parts = [];
          length = 0;
        } else {
          parts = [...parts, Buffer.from(chunk.subarray(pos))];
          length += rest;
          // many small reads of one long line: keep the list short, joining it once the line has
          // doubled since it was last joined (so each byte is copied a few times, not once a read)
          if (parts.length > 32 && (length >= 2 * parts[0].length || parts.length > 1024)) parts = [Buffer.concat(parts, length)];
        }
        break;
      }
      const segLen = nl + 1 - pos;
      const start = pos;
      pos = nl + 1;
      if (dropping) {
        dropping = false;
        continue;
      }
      if (drop && length + segLen - 1 > max) {
        this.oversized++;
        parts = [];
        length = 0;
        continue;
      }
      let ok: boolean | void;
      if (length === 0) {
        ok = each(chunk, start, nl);
      } else {
        const line = Buffer.concat([...parts, chunk.subarray(start, nl + 1)], length + segLen);
        parts = [];
        length = 0;
        ok = each(line, 0, line.length - 1);
      }
      if (ok === false) {
        stopped = true;
        break;
      }
    }
    if (!stopped && !drop && length > max) {
      // 'pass': the unfinished part of an over-long line goes on as a line
      const line = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
      parts = [];
      length = 0;
      if (each(line, 0, line.length) === false) stopped = true;
    }
    const c = this._carry;
    if (parts !== c.parts || length !== c.length || dropping !== c.dropping) this._carry = { parts, length, dropping };
    return !stopped;
  }

  /** The unfinished last line (null: none, or one being dropped); the carry is emptied. */
  finish(): Buffer | null {
    const c = this._carry;
    this._carry = EMPTY_CARRY;
    if (c.dropping || c.length === 0) return null;
    return c.parts.length === 1 ? c.parts[0] : Buffer.concat(c.parts, c.length);
  }

  /** Forgets the unfinished line (the file was truncated or reopened). */
  clear(): void {
    this._carry = EMPTY_CARRY;
  }
}
