/**
 * psadwatchd: restarts psad and kmsgsd when they die (runtime.md §5).
 *
 * Differences from psad 2.4.6's C psadwatchd (R7, R9): the pid is read with
 * all its digits; when PSAD_CMDLINE_FILE cannot be read psad is started with
 * psadwatchd's own -c/-O instead of psadwatchd exiting silently; kmsgsd is
 * restarted with psadwatchd's -c/-O; mail is sent with an argument list (no
 * shell, no length limit); SIGTERM/SIGINT remove the pid file; --no-daemon.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { loadConfig, PsadConfig } from '../config/config';
import { resolveCommands } from '../config/commands';
import { Syslog } from '../alert/syslog';
import { DaemonArgs, daemonStart, errorText, processAlive, syslogOptions } from './kmsgsd';
import { removeOwnPidFile, writePidFile } from './pidfile';
import { alertingMethods } from '../config/alerting';
import { daemonLogger } from '../text/daemon-log';

export type DaemonName = 'psad' | 'kmsgsd';

/** How long a started program may take to exit (the daemons exit once their background copy wrote its pid file). */
const START_TIMEOUT_MS = 45000;
const MAIL_TIMEOUT_MS = 60000;

export type PidFileState =
  | { kind: 'missing'; error: string }
  | { kind: 'garbage' }
  | { kind: 'pid'; pid: number };

/** A pid file as psadwatchd judges it: unreadable, without a usable pid, or a pid (all its digits). */
export function readPidFileState(file: string): PidFileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    return { kind: 'missing', error: errorText(e) };
  }
  const m = /^\s*(\d+)/.exec(text);
  if (!m) return { kind: 'garbage' };
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return { kind: 'garbage' };
  return { kind: 'pid', pid };
}

/** The settings psadwatchd works with, from the config. */
export interface WatchSettings {
  hostname: string;
  interval: number;
  maxRetries: number;
  psadPidFile: string;
  kmsgsdPidFile: string;
  cmdlineFile: string;
  watchKmsgsd: boolean;
  mailEnabled: boolean;
  addresses: string[];
  psadCmd: string;
  kmsgsdCmd: string;
  mailCmd: string;
}

export function watchSettings(cfg: PsadConfig): WatchSettings {
  const interval = Math.trunc(cfg.num('PSADWATCHD_CHECK_INTERVAL'));
  const retries = Math.trunc(cfg.num('PSADWATCHD_MAX_RETRIES'));
  return {
    hostname: cfg.get('HOSTNAME'),
    interval: interval > 0 ? interval : 5,
    maxRetries: retries > 0 ? retries : 10,
    psadPidFile: cfg.get('PSAD_PID_FILE'),
    kmsgsdPidFile: cfg.get('KMSGSD_PID_FILE'),
    cmdlineFile: cfg.get('PSAD_CMDLINE_FILE'),
    watchKmsgsd: !cfg.opt('ENABLE_SYSLOG_FILE', 'Y').startsWith('Y') && cfg.opt('SYSLOG_DAEMON', '') !== 'ulogd',
    mailEnabled: alertingMethods(cfg).mail,
    addresses: cfg.get('EMAIL_ADDRESSES').split(/[\s,]+/).filter((s) => s !== ''),
    psadCmd: cfg.cmd('psad') ?? 'psad',
    kmsgsdCmd: cfg.cmd('kmsgsd') ?? 'kmsgsd',
    mailCmd: cfg.cmd('mail') ?? 'mail',
  };
}

/** The arguments psad is restarted with: PSAD_CMDLINE_FILE's first line, split on blanks. */
export function psadArgsFromCmdline(text: string): string[] {
  return text.split('\n')[0].split(/[ \t\r]+/).filter((s) => s !== '');
}

function configArgs(a: DaemonArgs): string[] {
  return ['-c', a.configFile, ...(a.overrides.length ? ['-O', a.overrides.join(',')] : [])];
}

/**
 * The environment of the programs psadwatchd starts: almost empty, as in
 * the reference, but with a PATH that finds this node for `#!/usr/bin/env node`.
 */
function childEnv(): NodeJS.ProcessEnv {
  const dirs = (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  const nodeDir = path.dirname(process.execPath);
  if (!dirs.includes(nodeDir)) dirs.push(nodeDir);
  return { PATH: dirs.join(':') };
}

function loadWatchConfig(a: DaemonArgs): PsadConfig {
  const cfg = loadConfig({ configFile: a.configFile, overrideFiles: a.overrides });
  resolveCommands(cfg, { noWhois: true });
  return cfg;
}

function watchDump(cfg: PsadConfig): string[] {
  const s = watchSettings(cfg);
  return [
    `HOSTNAME ${s.hostname}`,
    `INSTALL_ROOT ${cfg.opt('INSTALL_ROOT', '')}`,
    `PSAD_RUN_DIR ${cfg.opt('PSAD_RUN_DIR', '')}`,
    `PSAD_PID_FILE ${s.psadPidFile}`,
    `PSAD_CMDLINE_FILE ${s.cmdlineFile}`,
    `KMSGSD_PID_FILE ${s.kmsgsdPidFile}`,
    `PSADWATCHD_PID_FILE ${cfg.get('PSADWATCHD_PID_FILE')}`,
    `PSADWATCHD_CHECK_INTERVAL ${s.interval}`,
    `PSADWATCHD_MAX_RETRIES ${s.maxRetries}`,
    `ENABLE_SYSLOG_FILE ${cfg.opt('ENABLE_SYSLOG_FILE', '')}`,
    `SYSLOG_DAEMON ${cfg.opt('SYSLOG_DAEMON', '')}`,
    `ALERTING_METHODS ${cfg.opt('ALERTING_METHODS', '')}`,
    `EMAIL_ADDRESSES ${s.addresses.join(' ')}`,
    `psadCmd ${s.psadCmd}`,
    `kmsgsdCmd ${s.kmsgsdCmd}`,
    `mailCmd ${s.mailCmd}`,
    `SYSLOG_SOCKET ${syslogOptions(cfg, 'psadwatchd').socket}`,
  ];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a program (argument list, no shell) and waits for it to exit, at most `timeoutMs`. */
function runAndWait(cmd: string, args: string[], timeoutMs: number, killOnTimeout: boolean):
  Promise<{ code: number | null; signal: string | null; error?: string; timedOut: boolean; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    const finish = (r: { code: number | null; signal: string | null; error?: string; timedOut: boolean }) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      child.stderr?.destroy();
      resolve({ ...r, stderr });
    };
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(), detached: true });
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 2048) stderr += d.toString('latin1');
    });
    child.stderr!.on('error', () => undefined);
    child.on('error', (e) => finish({ code: null, signal: null, error: errorText(e), timedOut: false }));
    child.on('exit', (code, signal) => finish({ code, signal, timedOut: false }));
    timer = setTimeout(() => {
      if (killOnTimeout) {
        try {
          child.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
      child.unref();
      finish({ code: null, signal: null, timedOut: true });
    }, timeoutMs);
  });
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).filter((l) => l !== '')[0] ?? '';
}

class Watchd {
  private readonly syslog: Syslog;
  private readonly failures = new Map<DaemonName, number>([['psad', 0], ['kmsgsd', 0]]);
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private cfg: PsadConfig, private readonly args: DaemonArgs, private readonly pidFile: string) {
    this.syslog = new Syslog(syslogOptions(cfg, 'psadwatchd'));
  }

  private get s(): WatchSettings {
    return watchSettings(this.cfg);
  }

  /** psadwatchd's own diagnostics (text/daemon-log.ts), written to syslog as plain lines. */
  private readonly logger = daemonLogger('psadwatchd', (r) => this.syslog.log(r.msg));

  private log(msg: string): void {
    this.logger.info(msg);
  }

  start(): void {
    writePidFile(this.pidFile);
    process.on('SIGHUP', () => this.hup());
    process.on('SIGTERM', () => void this.stop());
    process.on('SIGINT', () => void this.stop());
    void this.loop().catch((e) => this.fatal(e));
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const s = this.s;
      await this.check('psad', s.psadPidFile);
      if (this.stopping) return;
      if (s.watchKmsgsd) await this.check('kmsgsd', s.kmsgsdPidFile);
      if (this.stopping) return;
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.s.interval * 1000);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.wake = null;
    }
  }

  private async check(name: DaemonName, file: string): Promise<void> {
    const host = this.s.hostname;
    const st = readPidFileState(file);
    if (st.kind === 'missing') {
      this.log(`could not open pid file: ${file} on ${host}`);
      await this.restart(name);
      return;
    }
    if (st.kind === 'garbage') {
      this.log(`could not read pid file: ${file} on ${host}`);
      await this.failed(name);
      return;
    }
    if (processAlive(st.pid)) {
      this.failures.set(name, 0);
      return;
    }
    await this.restart(name);
  }

  private async restart(name: DaemonName): Promise<void> {
    const s = this.s;
    this.log(`restarting ${name} on ${s.hostname}`);
    await this.mail(`[*] psadwatchd: Restarting ${name} on ${s.hostname}`);
    if (this.stopping) return;
    let cmd: string;
    let args: string[];
    if (name === 'psad') {
      cmd = s.psadCmd;
      try {
        args = psadArgsFromCmdline(fs.readFileSync(s.cmdlineFile, 'latin1'));
      } catch (e) {
        args = configArgs(this.args);
        this.log(`could not read ${s.cmdlineFile} (${errorText(e)}); starting psad with ${args.join(' ')}`);
      }
    } else {
      cmd = s.kmsgsdCmd;
      args = configArgs(this.args);
    }
    const r = await runAndWait(cmd, args, START_TIMEOUT_MS, false);
    if (r.error) this.log(`could not start ${name} (${cmd}): ${r.error}`);
    else if (r.timedOut) this.log(`${cmd} did not exit within ${START_TIMEOUT_MS / 1000} seconds, not waiting for it any longer`);
    else if (r.code !== 0) {
      const why = firstLine(r.stderr);
      this.log(`${cmd} exited with ${r.signal ? `signal ${r.signal}` : `status ${r.code}`}${why ? `: ${why}` : ''}`);
    }
    await this.failed(name);
  }

  private async failed(name: DaemonName): Promise<void> {
    if (this.stopping) return;
    const n = (this.failures.get(name) ?? 0) + 1;
    this.failures.set(name, n);
    if (n >= this.s.maxRetries) await this.giveUp(name);
  }

  private async giveUp(name: DaemonName): Promise<void> {
    const s = this.s;
    this.log(`could not restart ${name} on ${s.hostname} after ${s.maxRetries} attempts, exiting`);
    await this.mail(`[*] psadwatchd: Could not restart ${name} on ${s.hostname}. Exiting.`);
    await this.exit(1);
  }

  private async mail(subject: string): Promise<void> {
    const s = this.s;
    if (!s.mailEnabled) return;
    const r = await runAndWait(s.mailCmd, ['-s', subject, ...s.addresses], MAIL_TIMEOUT_MS, true);
    if (r.error) this.log(`could not send mail "${subject}" with ${s.mailCmd}: ${r.error}`);
    else if (r.timedOut) this.log(`${s.mailCmd} did not finish within ${MAIL_TIMEOUT_MS / 1000} seconds (mail "${subject}")`);
    else if (r.code !== 0) {
      const why = firstLine(r.stderr);
      this.log(`${s.mailCmd} exited with ${r.signal ? `signal ${r.signal}` : `status ${r.code}`} sending "${subject}"${why ? `: ${why}` : ''}`);
    }
  }

  private hup(): void {
    if (this.stopping) return;
    this.log('received HUP signal');
    try {
      this.cfg = loadWatchConfig(this.args);
      this.syslog.reconfigure(syslogOptions(this.cfg, 'psadwatchd'));
    } catch (e) {
      this.log(`could not re-read ${this.args.configFile}: ${errorText(e)}; keeping the previous configuration`);
    }
  }

  private async stop(): Promise<void> {
    await this.exit(0);
  }

  private async exit(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    removeOwnPidFile(this.pidFile);
    await Promise.race([this.syslog.flush(), sleep(1000)]);
    process.exit(code);
  }

  fatal(e: unknown): void {
    this.log(`exiting on an internal error: ${errorText(e)}`);
    void this.exit(70);
  }
}

export async function main(argv: string[]): Promise<void> {
  const started = await daemonStart('psadwatchd', 'restarts psad and kmsgsd when they die', argv, {
    load: loadWatchConfig,
    pidFileVar: 'PSADWATCHD_PID_FILE',
    dump: watchDump,
    prepare: () => undefined,
  });
  if (!started) return;
  const { cfg, args } = started;
  const d = new Watchd(cfg, args, cfg.get('PSADWATCHD_PID_FILE'));
  process.on('uncaughtException', (e) => d.fatal(e));
  d.start();
}

export function run(): void {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`[*] psadwatchd: internal error: ${errorText(e)}\n`);
    process.exit(70);
  });
}
