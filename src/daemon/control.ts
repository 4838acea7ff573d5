import * as fs from 'fs';
import { spawnSync } from 'child_process';
import { PsadConfig } from '../config/config';
import { Engine } from '../engine/engine';
import { ctime } from '../text/ctime';
import { renderReport, ReportContext } from '../report/status-report';
import { runningPid, pidAlive } from './pidfile';
import { importScanData, StatusFilePaths } from './status-files';
import { readSourceStatus, sourceStatusFile, sourceStatusLines } from './source-status';
import { Syslog, syslogPriority } from '../alert/syslog';
import { alertingMethods } from '../config/alerting';

export type Out = (text: string) => void;

const DAEMONS: Record<string, string> = {
  psadwatchd: 'PSADWATCHD_PID_FILE',
  kmsgsd: 'KMSGSD_PID_FILE',
  psad_fw_read: 'PSAD_FW_READ_PID_FILE',
  psad: 'PSAD_PID_FILE',
};

function pidFile(cfg: PsadConfig, name: string): string {
  return cfg.get(DAEMONS[name]);
}

function syslogFor(cfg: PsadConfig): Syslog {
  return new Syslog({
    ident: cfg.get('SYSLOG_IDENTITY'),
    priority: syslogPriority(cfg.get('SYSLOG_FACILITY'), cfg.get('SYSLOG_PRIORITY')),
    socket: cfg.opt('SYSLOG_SOCKET', '/dev/log'),
    enabled: alertingMethods(cfg).syslog,
  });
}

/** %CPU and %MEM of a process, as `ps auxww` shows them. */
function cpuMem(pid: number): [string, string] | null {
  const r = spawnSync('ps', ['-o', '%cpu=,%mem=', '-p', String(pid)], { encoding: 'latin1' });
  const m = /^\s*(\S+)\s+(\S+)/.exec(r.stdout ?? '');
  return m ? [m[1], m[2]] : null;
}

/** -K/--Kill: TERM (KILL if that fails) to psadwatchd, kmsgsd, psad, psad_fw_read, in that order. */
export async function killDaemons(cfg: PsadConfig, out: Out): Promise<number> {
  let rv = 0;
  const sl = syslogFor(cfg);
  sl.log('shutting down psad daemons');
  await sl.flush();
  sl.close();
  const stopped = new Set<number>();
  /** Stops the daemon of pid file `name` if it runs and was not stopped already; returns its pid (0: none). */
  const stop = (name: string): number => {
    const file = pidFile(cfg, name);
    const pid = runningPid(file);
    if (!pid || stopped.has(pid)) return 0;
    stopped.add(pid);
    out(`[+] Stopping ${name}, pid: ${pid}\n`);
    try {
      process.kill(pid, 'SIGTERM');
      fs.rmSync(file, { force: true });
    } catch (e) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        out(`[*] psad: Could not kill ${name}, pid: ${pid} ${(e as Error).message}\n`);
        rv = 1;
      }
    }
    return pid;
  };
  let psadPid = 0;
  for (const name of ['psadwatchd', 'kmsgsd', 'psad', 'psad_fw_read']) {
    const pid = stop(name);
    if (name !== 'psad') continue;
    psadPid = pid;
    const file = pidFile(cfg, name);
    if (!fs.existsSync(file) && !pid) out(`[-] psad: pid file ${file} does not exist for ${name} on ${cfg.get('HOSTNAME')}\n`);
    else if (!pid) {
      out(`[-] psad: ${name} is not running on ${cfg.get('HOSTNAME')}\n`);
      // the pid file of a psad that died: after -K the next start is the administrator's own, not a resume
      fs.rmSync(file, { force: true });
    }
  }
  // a psad stopped while it was starting may have started kmsgsd or psadwatchd
  // after their pid files were read above: once psad is gone, stop those too
  if (psadPid) {
    await waitGone(psadPid, 10000);
    for (const name of ['psadwatchd', 'kmsgsd']) stop(name);
  }
  // the saved command line is for psadwatchd and -R while psad runs; once it is stopped it is stale
  if (!runningPid(pidFile(cfg, 'psad'))) fs.rmSync(cfg.get('PSAD_CMDLINE_FILE'), { force: true });
  return rv;
}

/** Waits until a process has exited (for -R, so that the new psad does not find the old one). */
async function waitGone(pid: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (pidAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** -R/--Restart: -K, then start psad with the saved command line (as an argument list). */
export async function restartDaemons(cfg: PsadConfig, out: Out): Promise<number> {
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(cfg.get('PSAD_CMDLINE_FILE'), 'latin1').split('\n')[0];
  } catch {
    cmdline = '';
  }
  const pids = Object.keys(DAEMONS).map((n) => runningPid(pidFile(cfg, n))).filter((p) => p);
  await killDaemons(cfg, out);
  for (const p of pids) await waitGone(p, 10000);
  out(`[+] Restarting psad daemons on ${cfg.get('HOSTNAME')}\n`);
  const args = cmdline.split(/\s+/).filter((a) => a);
  spawnSync(cfg.cmd('psad')!, args, { stdio: 'inherit' });
  return 0;
}

/** -H/--HUP: SIGHUP to psadwatchd, psad and kmsgsd. */
export function hupDaemons(cfg: PsadConfig, out: Out): number {
  let rv = 0;
  for (const name of ['psadwatchd', 'psad', 'kmsgsd']) {
    const pid = runningPid(pidFile(cfg, name));
    if (pid) {
      try {
        process.kill(pid, 'SIGHUP');
        out(`[+] HUP signal sent to ${name} (pid: ${pid})\n`);
      } catch {
        out(`[*] Could not send ${name} (pid: ${pid}) a HUP signal.\n`);
        rv = 1;
      }
    } else if (!(name === 'kmsgsd' && (/ulog/i.test(cfg.get('SYSLOG_DAEMON')) || cfg.get('ENABLE_SYSLOG_FILE') === 'Y'))) {
      out(`[-] ${name} daemon not running.\n`);
    }
  }
  return rv;
}

/** -U/--USR1: ask psad for a dump of its scan tables and print it. */
export async function usr1Daemon(cfg: PsadConfig, out: Out): Promise<number> {
  const file = pidFile(cfg, 'psad');
  if (!fs.existsSync(file)) return 0;
  const pid = runningPid(file);
  if (!pid) {
    out(`[-] psad is not running on ${cfg.get('HOSTNAME')}\n`);
    return 0;
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch {
    out(`[*] Could not send psad the USR1 signal on ${cfg.get('HOSTNAME')}\n`);
    return 1;
  }
  out(`[+] USR1 signal sent to pid: ${pid}\n`);
  const dump = `${cfg.get('PSAD_DIR')}/scan_hash.${pid}`;
  for (let i = 0; i <= 20; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    out(`[+] Checking for file: ${dump}\n`);
    if (fs.existsSync(dump)) {
      out(fs.readFileSync(dump, 'latin1'));
      out(`[+] Results available in: ${dump}\n`);
      break;
    }
  }
  return 0;
}

export interface StatusOptions {
  /** --status-ip */
  ip: string;
  /** --status-dl */
  minDl: number;
  /** --status-summary */
  summary: boolean;
  report: (engine: Engine) => ReportContext;
  engine: Engine;
  paths: StatusFilePaths;
  /** the -S-only report sections (DShield, auto-blocked IPs) */
  statusSections: (engine: Engine, extras: { dshieldEmails: number; dshieldPackets: number }) => string[];
}

/** -S/--Status: the running daemons, then psad's report built from the files under PSAD_DIR. */
export function status(cfg: PsadConfig, out: Out, o: StatusOptions): number {
  let rv = 0;
  for (const name of ['psadwatchd', 'kmsgsd', 'psad_fw_read', 'psad']) {
    const file = pidFile(cfg, name);
    if (fs.existsSync(file)) {
      const pid = runningPid(file);
      if (pid) {
        let line = `[+] ${name} (pid: ${pid})`;
        const cm = cpuMem(pid);
        if (cm) line += `  %CPU: ${cm[0]}  %MEM: ${cm[1]}`;
        out(`${line}\n`);
        out(`    Running since: ${ctime(fs.statSync(file).mtime)}\n`);
        if (name === 'psad') statusPsad(cfg, out, o);
        out('\n');
      } else if (name === 'psad') {
        out(`[-] psad: ${name} is not running on ${cfg.get('HOSTNAME')}\n`);
        rv = 1;
      }
    } else if (name === 'psad') {
      out(`[-] psad: pid file ${file} does not exist for ${name} on ${cfg.get('HOSTNAME')}\n`);
      rv = 1;
    }
  }
  return rv;
}

const STATUS_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'udplite', 'icmp', 'icmp6']);

function statusPsad(cfg: PsadConfig, out: Out, o: StatusOptions): void {
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(cfg.get('PSAD_CMDLINE_FILE'), 'latin1').split('\n')[0];
  } catch {
    cmdline = '';
  }
  out(`    Command line arguments: ${cmdline || '[none specified]'}\n`);
  out(`    Alert email address(es): ${cfg.get('EMAIL_ADDRESSES')}\n`);
  // what psad reads and whether lines arrive (psad-node; written by the daemon every interval)
  const src = readSourceStatus(sourceStatusFile(cfg));
  if (src) out(sourceStatusLines(src).join(''));
  out('\n');
  const engine = o.engine;
  const extras = importScanData(cfg.get('PSAD_DIR'), o.paths, engine, {
    emailLimitPerDst: cfg.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y',
    dshield: cfg.get('ENABLE_DSHIELD_ALERTS') === 'Y',
  });
  const ctx = o.report(engine);
  ctx.statusSections = o.statusSections(engine, extras);
  ctx.summaryOnly = o.summary;
  ctx.statusMinDl = o.minDl;
  ctx.emailAlerts = (s) => {
    if (cfg.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y') {
      let n = 0;
      for (const d of s.pairs.keys()) n += s.dstEmailCtr.get(d) ?? 0;
      return n;
    }
    return s.emailCtr ?? 0;
  };
  const lines = renderReport(engine, extras.prefixes, ctx, { ctrs: engine.protoCtrs, only: STATUS_PROTOCOLS })!;
  const text = lines.join('');
  out(text);
  const file = cfg.get('STATUS_OUTPUT_FILE');
  try {
    fs.writeFileSync(file, Buffer.from(text, 'latin1'), { mode: 0o600 });
    out(`[+] These results are available in: ${file}\n`);
  } catch (e) {
    out(`[*] Could not write ${file}: ${(e as Error).message}\n`);
  }
}
