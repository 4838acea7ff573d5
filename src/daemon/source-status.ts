import * as fs from 'fs';
import * as path from 'path';
import { PsadConfig } from '../config/config';
import { ctime } from '../text/ctime';

/**
 * What the psad daemon reads and how that goes: written every interval to
 * PSAD_RUN_DIR/psad.source (next to the pid file), read by `psad -S` and,
 * after an unclean exit, by the restarted psad (the read position).
 */
export interface SourceStatus {
  /** the variable naming the source: IPT_SYSLOG_FILE, FW_DATA_FILE, ULOG_DATA_FILE, FW_MSG_READ_CMD or --messages-file */
  variable: string;
  /** the file, or the command line */
  path: string;
  /** who writes it, e.g. `kmsgsd from PSAD_FIFO_FILE /var/lib/psad/psadfifo` ('' for none) */
  via: string;
  /** reading, missing, unreadable (files); running, restarting (commands) */
  state: string;
  /** the system's reason for missing/unreadable */
  detail: string;
  /** when this psad started (epoch seconds) */
  since: number;
  /** lines read, parsed into packets, ignored (not firewall lines, IGNORE_* and the like), rejected (unparseable: FW_ERROR_LOG) */
  read: number;
  parsed: number;
  ignored: number;
  rejected: number;
  /** when the last line arrived (0: none yet) */
  lastLine: number;
  /** the read position in the file (resumed after an unclean exit) */
  inode: number;
  offset: number;
  /** the kernel-log cross-check (see delivery-check.ts) */
  kernel: string;
  /** firewall messages the kernel logged since start (-1: not known) */
  kernelMessages: number;
  /** since when they no longer reach psad (0: they do) */
  stalledSince: number;
}

export function sourceStatusFile(cfg: PsadConfig): string {
  return path.join(cfg.get('PSAD_RUN_DIR'), 'psad.source');
}

const KEYS: [keyof SourceStatus, string][] = [
  ['variable', 'variable'], ['path', 'path'], ['via', 'via'], ['state', 'state'], ['detail', 'detail'], ['since', 'since'],
  ['read', 'lines read'], ['parsed', 'lines parsed'], ['ignored', 'lines ignored'], ['rejected', 'lines rejected'],
  ['lastLine', 'last line'], ['inode', 'inode'], ['offset', 'offset'], ['kernel', 'kernel check'],
  ['kernelMessages', 'kernel firewall messages'], ['stalledSince', 'not delivered since'],
];

const oneLine = (v: string) => v.replace(/[\r\n]+/g, ' ');

export function sourceStatusText(s: SourceStatus): string {
  return KEYS.map(([k, name]) => `${name}: ${typeof s[k] === 'string' ? oneLine(s[k] as string) : s[k]}\n`).join('');
}

export function parseSourceStatus(text: string): SourceStatus | null {
  const v = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) v.set(line.slice(0, i), line.slice(i + 2));
  }
  if (!v.has('variable') || !v.has('path')) return null;
  const out = {} as Record<string, string | number>;
  for (const [k, name] of KEYS) {
    const raw = v.get(name) ?? '';
    const numeric = !['variable', 'path', 'via', 'state', 'detail', 'kernel'].includes(k);
    out[k] = numeric ? (Number.isFinite(Number(raw)) && raw !== '' ? Number(raw) : 0) : raw;
  }
  return out as unknown as SourceStatus;
}

export function writeSourceStatus(file: string, s: SourceStatus): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, sourceStatusText(s), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readSourceStatus(file: string): SourceStatus | null {
  try {
    return parseSourceStatus(fs.readFileSync(file, 'latin1'));
  } catch {
    return null;
  }
}

const when = (t: number) => ctime(new Date(t * 1000));

/** The lines `psad -S` prints about the source under the running psad. */
export function sourceStatusLines(s: SourceStatus): string[] {
  const out: string[] = [];
  out.push(`    Firewall log source: ${s.variable} ${s.path}${s.via ? `, written by ${s.via}` : ''}\n`);
  if (s.state === 'missing') out.push(`        MISSING: ${s.path} does not exist; psad waits for it\n`);
  else if (s.state === 'unreadable') out.push(`        UNREADABLE: ${s.detail}; psad waits until it can read it\n`);
  else if (s.state !== 'reading') out.push(`        ${s.state.toUpperCase()}${s.detail ? `: ${s.detail}` : ''}\n`);
  out.push(`        Since ${when(s.since)}: ${s.read} lines read, ${s.parsed} parsed, ${s.ignored} ignored, ${s.rejected} rejected\n`);
  out.push(`        Last line read: ${s.lastLine ? when(s.lastLine) : '[none yet]'}\n`);
  if (s.kernelMessages >= 0) {
    const k = `${s.kernelMessages} firewall message${s.kernelMessages === 1 ? '' : 's'} logged by the kernel since start`;
    out.push(s.stalledSince
      ? `        NOT DELIVERED: ${k}, none of them reached psad since ${when(s.stalledSince)}\n`
      : `        Kernel log check: ${k}, delivered\n`);
  } else if (s.kernel) {
    out.push(`        Kernel log check: ${s.kernel}\n`);
  }
  return out;
}
