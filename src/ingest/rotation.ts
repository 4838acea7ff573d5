import * as fs from 'fs';

/**
 * Log rotation and truncation: what psad decides when a file it follows
 * (IPT_SYSLOG_FILE, FW_DATA_FILE, ULOG_DATA_FILE, --messages-file) is
 * rotated, truncated, removed or replaced while psad is not running. The
 * file tail (file-tail.ts) asks these questions and does what they answer.
 */

/** Where a tail stands in its file: enough to resume reading after a restart. */
export interface TailPosition {
  inode: number;
  offset: number;
}

/**
 * Where to start in a file just opened: at its end (psad skips what is
 * already there), or at a saved position when that position is still in
 * the same file (the lines written meanwhile are read). Another file
 * (rotated meanwhile) or one truncated below the position: all of it is new.
 */
export function startOffset(at: 'end' | TailPosition, st: fs.Stats): number {
  if (at === 'end') return st.size;
  return at.inode === st.ino && at.offset <= st.size ? at.offset : 0;
}

/**
 * What became of the followed file, from what its path shows now (null:
 * nothing there, or it cannot be looked at):
 * - 'truncated': the same file, shorter than what was read: read the new
 *   content from its start (the unfinished line before it is dropped);
 * - 'rotated': another file at the path: read the old file to its end
 *   (its unfinished last line too), then the new one from its start;
 * - 'gone': removed or renamed, no new file yet: read the rest of the old
 *   one and wait for the new file;
 * - 'same': read on.
 */
export function tailChange(inode: number, pos: number, now: fs.Stats | null): 'same' | 'truncated' | 'rotated' | 'gone' {
  if (!now) return 'gone';
  if (now.ino !== inode) return 'rotated';
  return now.size < pos ? 'truncated' : 'same';
}
