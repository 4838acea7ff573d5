import * as fs from 'fs';

/**
 * Calls `fn(line, eol)` for every line of a file descriptor, reading in large
 * chunks. Bytes are decoded as latin1 so that every byte survives the round
 * trip to the error log; `eol` is false only for a last line without '\n'.
 * Returning false from `fn` stops the reading. A partial line stays in the
 * byte buffer (no string concatenation); the buffer grows for longer lines.
 */
export function forEachLine(fd: number, fn: (line: string, eol: boolean) => boolean | void): void {
  let buf = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  for (;;) {
    if (used === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    let n: number;
    try {
      n = fs.readSync(fd, buf, used, buf.length - used, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) break;
    const end = used + n;
    const lastNl = buf.lastIndexOf(10, end - 1);
    if (lastNl < used) {
      used = end;
      continue;
    }
    const chunk = buf.toString('latin1', 0, lastNl + 1);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      if (fn(chunk.slice(start, nl), true) === false) return;
      start = nl + 1;
    }
    buf.copy(buf, 0, lastNl + 1, end);
    used = end - lastNl - 1;
  }
  if (used > 0) fn(buf.toString('latin1', 0, used), false);
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
  let buf = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  let lines = 0;
  let cands = 0;
  const line = (s: number, e: number): boolean => {
    lines++;
    if (stopAt > 0 && cands >= stopAt) return false;
    if (inOut(buf, s, e)) cands += each ? each(buf, s, e) : 1;
    return true;
  };
  for (;;) {
    if (used === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, used, buf.length - used, null);
    if (n === 0) break;
    const end = used + n;
    const lastNl = buf.lastIndexOf(10, end - 1);
    if (lastNl < used) {
      used = end;
      continue;
    }
    let s = 0;
    for (;;) {
      const nl = buf.indexOf(10, s);
      if (nl < 0 || nl > lastNl) break;
      if (!line(s, nl)) return { lines, candidates: cands };
      s = nl + 1;
    }
    buf.copy(buf, 0, lastNl + 1, end);
    used = end - lastNl - 1;
  }
  if (used > 0) line(0, used);
  return { lines, candidates: cands };
}
