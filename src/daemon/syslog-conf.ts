import * as fs from 'fs';
import * as path from 'path';

/**
 * Whether a syslog configuration text already sends messages into the FIFO:
 * a line that is not a comment and names the FIFO either as a pipe action
 * (`kern.info |/var/lib/psad/psadfifo`) or as the quoted target of a
 * RainerScript action (`action(type="omfile" file="/var/lib/psad/psadfifo")`,
 * `pipe="..."`), so that psad does not add a second writer (which would
 * double every line).
 */
export function feedsFifo(text: string, fifo: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line.startsWith('#')) continue;
    let at = line.indexOf(fifo);
    while (at >= 0) {
      const before = line.slice(0, at).replace(/\s+$/, '');
      const after = line[at + fifo.length];
      if (before.endsWith('|') && (after === undefined || /[\s;]/.test(after))) return true;
      if (/(?:file|pipe)\s*=\s*"$/.test(before) && after === '"') return true;
      at = line.indexOf(fifo, at + 1);
    }
  }
  return false;
}

/**
 * The files that make up an rsyslog configuration rooted at `file`: the file
 * itself and the *.conf files of the rsyslog.d directory beside it (Debian's
 * `$IncludeConfig /etc/rsyslog.d/*.conf`), in name order.
 */
export function rsyslogFiles(file: string): string[] {
  const out = [file];
  const dir = path.join(path.dirname(file), 'rsyslog.d');
  try {
    for (const n of fs.readdirSync(dir).filter((f) => f.endsWith('.conf')).sort()) out.push(path.join(dir, n));
  } catch { /* no rsyslog.d */ }
  return out;
}

/**
 * The line psad adds to a syslog configuration that does not write the FIFO
 * yet. rsyslog gets an `omfile` action with a queue of its own: it writes
 * the FIFO at the reader's pace and keeps the lines while no reader is
 * there (kmsgsd restarting), where the `|FIFO` form (ompipe) drops them
 * whenever the FIFO's 64 KiB are full. syslogd gets psad 2.4.6's pipe line.
 */
export function fifoConfLine(daemon: string, fifo: string): string {
  if (daemon === 'rsyslogd') {
    return `kern.info\t\taction(type="omfile" file="${fifo}" template="RSYSLOG_TraditionalFileFormat" queue.type="LinkedList" queue.size="100000")`;
  }
  return `kern.info\t\t|${fifo}`;
}
