import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { simpleParser, ParsedMail } from 'mailparser';
import { ROOT, PSAD_BIN } from './paths';
import { pidAlive, readPid } from '../../src/daemon/pidfile';

/**
 * Pieces the daemon end-to-end tests share: lab servers started and
 * stopped, the mails an SMTP lab server received, psad's -S read per
 * source, daemons found through their pid files.
 */

export const CONF = path.join(ROOT, 'etc', 'psad.conf');
export const LAB_SERVERS = path.join(ROOT, 'dist', 'test', 'helpers', 'lab-servers.js');

/** Processes a test started, stopped (TERM, then KILL) at the end. */
export class Procs {
  private list: ChildProcess[] = [];
  private pidFiles: string[] = [];

  add(c: ChildProcess): ChildProcess {
    this.list.push(c);
    return c;
  }

  /** a daemon that went to the background: stopped through its pid file */
  addPidFile(f: string): void {
    this.pidFiles.push(f);
  }

  async stopAll(): Promise<void> {
    for (const c of this.list.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      try { process.kill(c.pid!, 'SIGCONT'); } catch { /* gone */ }
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    this.list = [];
    for (const f of this.pidFiles) {
      const pid = readPid(f);
      if (pid && pidAlive(pid)) {
        try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ }
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
    this.pidFiles = [];
  }
}

/** Starts `args` (in namespace `ns` unless null) and waits for "ready" on its stdout. */
export async function startReady(procs: Procs, ns: string | null, args: string[]): Promise<ChildProcess> {
  const argv = ns ? ['ip', 'netns', 'exec', ns, ...args] : args;
  const c = procs.add(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] }));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`${args.join(' ')}: not ready`)), 15000);
    c.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    c.once('exit', (code) => { clearTimeout(t); reject(new Error(`${args.join(' ')} exited (${code})`)); });
  });
  return c;
}

/** An SMTP server (lab-servers.js) on `host`:`port` in namespace `ns`, saving mails in `dir`. */
export function startSmtp(procs: Procs, ns: string | null, host: string, port: number, dir: string): Promise<ChildProcess> {
  return startReady(procs, ns, [process.execPath, LAB_SERVERS, 'smtp', host, String(port), dir]);
}

export interface Received {
  raw: Buffer;
  mail: ParsedMail;
  to: string[];
}

/** The mails an SMTP lab server saved, in the order received. */
export async function receivedMails(dir: string): Promise<Received[]> {
  if (!fs.existsSync(dir)) return [];
  const out: Received[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.eml')).sort()) {
    const raw = fs.readFileSync(path.join(dir, f));
    const env = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.eml$/, '.json')), 'utf8')) as { to: string[] };
    out.push({ raw, mail: await simpleParser(raw), to: env.to });
  }
  return out;
}

/** Waits for a mail that `pred` accepts (or throws after `ms`). */
export async function waitForMail(dir: string, pred: (m: Received) => boolean, ms = 20000): Promise<Received> {
  const end = Date.now() + ms;
  for (;;) {
    const found = (await receivedMails(dir)).find(pred);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no such mail in ${dir}: ${(await receivedMails(dir)).map((m) => m.mail.subject).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const mailCount = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.eml')).length : 0);

/** Runs our psad with the test's config and override, as root would from a shell. */
export function psadCmd(ovr: string, args: string[], ns: string | null = null): { status: number | null; stdout: string; stderr: string } {
  const argv = [process.execPath, PSAD_BIN, '-c', CONF, '-O', ovr, ...args];
  const full = ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
  const r = spawnSync(full[0], full.slice(1), { encoding: 'latin1', timeout: 120000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface SourceLine {
  dl: number;
  pkts: number;
  emailAlerts: number;
}

/** -S / -A report: per source, the SRC line's danger level, packets and e-mail alerts. */
export function reportSources(report: string): Map<string, SourceLine> {
  const out = new Map<string, SourceLine>();
  for (const m of report.matchAll(/^SRC:\s+(\S+?),? .*?DL: (\d+), Dsts: \d+, Pkts: (\d+)(?:.*?Email alerts: (\d+))?/gm)) {
    out.set(m[1], { dl: Number(m[2]), pkts: Number(m[3]), emailAlerts: Number(m[4] ?? 0) });
  }
  return out;
}

/** Waits until the file stops growing for `quietMs`. */
export async function settled(file: string, quietMs = 1500, maxMs = 30000): Promise<void> {
  let last = -1;
  let since = Date.now();
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const n = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lines of `file` (latin1) that contain `needle`. */
export function linesWith(file: string, needle: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'latin1').split('\n').filter((l) => l.includes(needle));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
