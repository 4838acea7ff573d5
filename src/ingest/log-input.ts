import * as fs from 'fs';
import { isatty } from 'tty';
import { PsadError } from '../config/errors';
import { describeErrno } from '../config/conf-file';

/** An opened log for -A, --CSV and --gnuplot. */
export interface LogInput {
  fd: number;
  /** a regular file (can be read twice); otherwise stdin, a FIFO, a socket or a terminal, read once */
  regular: boolean;
}

/**
 * Opens the log named by -m (null: standard input). Directories and block
 * devices are refused, and so is a character device that does not end at
 * once (/dev/zero, /dev/urandom: reading them would never finish); an
 * empty one (/dev/null) and a terminal are read like standard input.
 */
export function openLogInput(file: string | null): LogInput {
  if (file === null) return { fd: 0, regular: false };
  let fd: number;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
    if (st.isDirectory()) throw new PsadError(`Could not open ${file}: Is a directory`, 2);
    if (st.isBlockDevice()) throw new PsadError(`Could not open ${file}: a block device is not a log file`, 2);
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if (e instanceof PsadError) throw e;
    throw new PsadError(`Could not open ${file}: ${describeErrno(e as NodeJS.ErrnoException)}`, 2);
  }
  if (st.isFile()) return { fd, regular: true };
  if (st.isCharacterDevice() && !isatty(fd)) {
    const probe = Buffer.alloc(1);
    let n = 0;
    try {
      n = fs.readSync(fd, probe, 0, 1, null);
    } catch {
      n = 1;
    }
    if (n > 0) {
      fs.closeSync(fd);
      throw new PsadError(`Could not open ${file}: a character device that does not end is not a log file`, 2);
    }
  }
  return { fd, regular: false };
}
