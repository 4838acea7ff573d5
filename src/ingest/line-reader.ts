import * as fs from 'fs';

/**
 * Calls `fn(line, eol)` for every line of a file descriptor, reading in large
 * chunks. Bytes are decoded as latin1 so that every byte survives the round
 * trip to the error log; `eol` is false only for a last line without '\n'.
 * Returning false from `fn` stops the reading.
 */
export function forEachLine(fd: number, fn: (line: string, eol: boolean) => boolean | void): void {
  const buf = Buffer.allocUnsafe(4 << 20);
  let carry = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) break;
    const chunk = carry + buf.toString('latin1', 0, n);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      if (fn(chunk.slice(start, nl), true) === false) return;
      start = nl + 1;
    }
    carry = start < chunk.length ? chunk.slice(start) : '';
  }
  if (carry.length) fn(carry, false);
}
