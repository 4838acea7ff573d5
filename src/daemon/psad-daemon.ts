import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { PsadConfig, loadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { resolveCommands } from '../config/commands';
import { Engine } from '../engine/engine';
import { Batch } from '../engine/state';
import { Packet } from '../ingest/packet';
import { parseLine, PKT_ERROR, PKT_IGNORE, ParserOptions, ParserState, newParserState } from '../ingest/parse';
import { scanLogr, AlertState, AlertSink } from '../alert/scan-logr';
import { alertSettings } from '../alert/settings';
import { Syslog, syslogPriority } from '../alert/syslog';
import { Mailer, mailerOptions } from '../alert/mailer';
import { AlertDelivery } from '../alert/delivery';
import { ExtScriptRunner } from '../alert/ext-script';
import { DShield } from '../alert/dshield';
import { loadDataTables, parserOptions, engineOptions, engineData, localNetworks, RuntimeFlags, DataTables } from '../pipeline/runtime';
import { DebugTrace } from '../text/debug-trace';
import { ctime } from '../text/ctime';
import { alertData, resolverOptions } from '../pipeline/alert-io';
import { PSAD_VERSION } from '../report/status-report';
import { writePidFile, runningPid, removeOwnPidFile } from './pidfile';
import { daemonize, isDaemonChild } from './daemonize';
import { StatusFilePaths, writeCounters, writeTopFiles, dshieldCounterText, importScanData, isSourceDirName } from './status-files';
import { listeningPorts } from '../net/local-info';
import { feedsFifo, fifoConfLine, rsyslogFiles } from './syslog-conf';
import { Resolver } from '../alert/resolver';
import { dumpScanState } from '../engine/scan-dump';
import { FileTail } from '../ingest/file-tail';
import { TailPosition } from '../ingest/rotation';
import { LineSource } from '../ingest/line-source';
import { CommandSource } from '../ingest/command-source';
import { SourceStatus, sourceStatusFile, writeSourceStatus } from './source-status';
import { DeliveryCheck, KernelLog } from './delivery-check';
import { UncleanExit, findUncleanExit, handedOverExit, resumeAlertState, resumeEnv } from './crash-resume';
import { keepScanFilesCurrent } from './scan-state-files';
import { compileFilter, filterSpecFromConfig } from './kmsgsd';
import { AutoResponse } from '../respond/auto-response';
import { ControlSocket } from '../respond/control-socket';
import { responseEnv } from '../respond/env';
import { fwAnalyzeMain } from '../pipeline/fwcheck-run';
import { alertingMethods } from '../config/alerting';
import { daemonLogger } from '../text/daemon-log';

/** Command-line settings of the daemon. */
export interface DaemonFlags {
  configFile: string;
  overrides: string[];
  /** the original arguments (saved to PSAD_CMDLINE_FILE) */
  argv: string[];
  noDaemon: boolean;
  debug: boolean;
  noKmsgsd: boolean;
  logServer: boolean;
  noFwcheck: boolean;
  /** --fw-file: check this ruleset listing instead of the live one at start-up */
  fwFile?: string;
  /** --verbose */
  verbose?: boolean;
  /** --debug-sid: trace the matching of this signature (with --debug) */
  debugSid?: number;
  /** --debug/--test-mode: where psad's debug lines go */
  debugTrace?: DebugTrace | null;
  /** -I/--Interval (0 = from config) */
  interval: number;
  /** -m/--messages-file */
  messagesFile: string;
  noNetstat: boolean;
  noRdns: boolean;
  noWhois: boolean;
  noIptErrors: boolean;
  testMode: boolean;
  runtime: RuntimeFlags;
  /** applies -O/--signatures/... overrides to a freshly loaded config */
  applyCmdline: (cfg: PsadConfig) => void;
}

function mkdirp(dir: string): void {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function truncate(file: string): void {
  fs.writeFileSync(file, '', { mode: 0o600 });
}

function isFifo(p: string): boolean {
  try {
    return fs.statSync(p).isFIFO();
  } catch {
    return false;
  }
}

/** The processes whose command name is exactly `name` (from /proc). */
export function pidsByName(name: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'latin1').trim() === name) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * The psad daemon: reads new firewall lines every CHECK_INTERVAL from the
 * data file (or a command such as journalctl), runs them through the engine
 * as one batch, writes the per-IP files and status files, sends alerts, and
 * keeps its state across HUP.
 */
export class PsadDaemon {
  cfg!: PsadConfig;
  tables!: DataTables;
  engine!: Engine;
  popts!: ParserOptions;
  readonly pstate: ParserState = newParserState();
  readonly alertState = new AlertState();
  syslog!: Syslog;
  mailer!: Mailer;
  resolver!: Resolver;
  private dataFile = '';
  /** where the lines come from: the data file (FileTail), or FW_MSG_READ_CMD (CommandSource) */
  private input: LineSource | null = null;
  /** what psad reads and how that goes (PSAD_RUN_DIR/psad.source, psad -S) */
  private source!: SourceStatus;
  /** do the kernel's firewall messages reach the source? */
  private deliveryCheck!: DeliveryCheck;
  private kernelLog: KernelLog | null = null;
  /** set when this psad resumes after an unclean exit of the previous one */
  private resume: UncleanExit | null = null;
  /** the per-IP files the alerts of this interval wrote */
  private readonly batchWritten = new Set<string>();
  /** e-mail counter files and the value last written to them */
  private readonly emailCtrFiles = new Map<string, number>();
  private hupFlag = false;
  private usr1Flag = false;
  private stopping = false;
  private intervalCtr = 0;
  private lastDiskCheck = 0;
  private diskFailures = 0;
  private localPorts = new Map<string, Set<number>>();
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private dshieldEmails = 0;
  private dshieldPackets = 0;
  /** automated response (ENABLE_AUTO_IDS=Y) and its control socket */
  response: AutoResponse | null = null;
  private control: ControlSocket | null = null;

  constructor(private readonly flags: DaemonFlags) {}

  /** psad's own diagnostics (text/daemon-log.ts): syslog lines as psad writes them, echoed by --debug. */
  private readonly logger = daemonLogger('psad', (r) => {
    this.syslog.log(r.msg);
    if (this.flags.debugTrace) this.flags.debugTrace.err(`[+] syslog msg: ${r.msg}\n`);
    if (r.component === 'source' && !isDaemonChild() && !this.flags.debug) process.stderr.write(`[-] ${r.msg}\n`);
  });
  private readonly sourceLogger = this.logger.child({ component: 'source' });

  private log(msg: string): void {
    this.logger.info(msg);
  }

  private paths(): StatusFilePaths {
    const c = this.cfg;
    return {
      packetCounter: c.get('PACKET_COUNTER_FILE'),
      prefixCounter: c.get('IPT_PREFIX_COUNTER_FILE'),
      dshieldCounter: c.get('DSHIELD_COUNTER_FILE'),
      topPorts: c.get('TOP_SCANNED_PORTS_FILE'),
      topSigs: c.get('TOP_SIGS_FILE'),
      topAttackers: c.get('TOP_ATTACKERS_FILE'),
    };
  }

  private get checkInterval(): number {
    const n = this.flags.interval || this.cfg.num('CHECK_INTERVAL');
    return n > 0 ? n : 5;
  }

  /** Loads config and data (at start and on HUP); the scan state is kept. */
  private init(cfg: PsadConfig): void {
    const f = this.flags;
    resolveCommands(cfg, { noWhois: f.noWhois });
    if (f.logServer) cfg.set('ENABLE_AUTO_IDS', 'N');
    if (f.interval) cfg.set('CHECK_INTERVAL', String(f.interval));
    const autoDlErrors: string[] = [];
    const tables = loadDataTables(cfg, f.runtime, (m) => {
      this.log(m);
      const e = /:(\d+): (?:improperly formatted auto_dl line|could not resolve auto_dl)/.exec(m);
      if (e) autoDlErrors.push(e[1]);
    });
    const localNets = localNetworks(cfg, false, (m) => this.log(m));
    const eopts = engineOptions(cfg, f.runtime, localNets);
    eopts.debug = f.debugTrace;
    eopts.debugSid = f.debugSid;
    const edata = engineData(tables);
    const popts = parserOptions(cfg, f.runtime, tables, (m) => this.log(m));
    popts.debug = f.debugTrace;
    this.cfg = cfg;
    this.tables = tables;
    this.popts = popts;
    if (this.engine) {
      this.engine.opts = eopts;
      this.engine.data = edata;
    } else this.engine = new Engine(eopts, edata);
    const methods = alertingMethods(cfg);
    const syslogOpts = {
      ident: cfg.get('SYSLOG_IDENTITY'),
      priority: syslogPriority(cfg.get('SYSLOG_FACILITY'), cfg.get('SYSLOG_PRIORITY')),
      socket: cfg.opt('SYSLOG_SOCKET', '/dev/log'),
      enabled: !f.testMode && methods.syslog,
    };
    if (this.syslog) this.syslog.reconfigure(syslogOpts);
    else this.syslog = new Syslog(syslogOpts);
    const mailOpts = mailerOptions(cfg, {
      enabled: !f.testMode && methods.mail,
      onError: (m: string) => this.log(this.mailHint(m)),
      spoolDir: path.join(cfg.get('PSAD_ERR_DIR'), 'undelivered_mail'),
      // only the process that runs the loop keeps an outbox: it sends what a killed psad left there
      outbox: isDaemonChild() || f.noDaemon || f.debug ? path.join(cfg.get('PSAD_ERR_DIR'), 'outgoing_mail') : undefined,
    });
    if (this.mailer) this.mailer.reconfigure(mailOpts);
    else this.mailer = new Mailer(mailOpts);
    // psad mails a bad auto_dl line (import_auto_dl)
    for (const n of autoDlErrors) this.mailer.send(`${cfg.get('MAIL_ERROR_PREFIX')} import warning: ${cfg.get('AUTO_DL_FILE')} error on line: ${n}`, '');
    const resOpts = resolverOptions(cfg, (m) => this.log(m));
    if (this.resolver) this.resolver.reconfigure(resOpts);
    else this.resolver = new Resolver(resOpts);
    this.initAlerts(cfg);
    this.initResponse(cfg, tables);
  }

  private mailHinted = false;

  /**
   * A failed sendmail under psad.service's NoNewPrivileges: the MTA's
   * sendmail cannot change user there; say what to do (once).
   */
  private mailHint(msg: string): string {
    if (this.mailHinted || !/could not send mail .*Sendmail exited/.test(msg)) return msg;
    let nnp = false;
    try {
      nnp = /^NoNewPrivs:\s+1$/m.test(fs.readFileSync('/proc/self/status', 'latin1'));
    } catch { /* no /proc */ }
    if (!nnp) return msg;
    this.mailHinted = true;
    return `${msg} (psad runs with NoNewPrivileges, as psad.service starts it: the mail system's sendmail cannot change user; set SMTP_HOST 127.0.0.1 to deliver over SMTP)`;
  }

  /** ENABLE_AUTO_IDS: (re)builds the automated response; a bad IPT_AUTO_CHAIN throws (HUP keeps the old one). */
  private initResponse(cfg: PsadConfig, tables: DataTables): void {
    if (cfg.get('ENABLE_AUTO_IDS') !== 'Y') {
      this.response = null;
      return;
    }
    const env = responseEnv(cfg, tables.autoDl, {
      log: (m) => this.log(m),
      mail: (subject) => this.mailer.send(subject, ''),
      currentDl: (ip) => this.engine.sources.get(ip)?.dl,
      trace: this.flags.debug && this.flags.verbose ? (cmd) => process.stderr.write(`[+] firewall: ${cmd}\n`) : undefined,
    });
    if (this.response) this.response.env = env;
    else this.response = new AutoResponse(env);
  }

  private selectDataFile(): string {
    const c = this.cfg;
    if (this.flags.messagesFile) return this.flags.messagesFile;
    if (/ulog/i.test(c.get('SYSLOG_DAEMON'))) return c.get('ULOG_DATA_FILE');
    if (c.get('ENABLE_SYSLOG_FILE') === 'Y') return c.get('IPT_SYSLOG_FILE');
    return c.get('FW_DATA_FILE');
  }

  private get readCmdMode(): boolean {
    return this.cfg.get('ENABLE_FW_MSG_READ_CMD') === 'Y';
  }

  /** AUTO_DETECT_JOURNALCTL: journald runs as root -> read from FW_MSG_READ_CMD. */
  private detectJournald(): void {
    const c = this.cfg;
    let running = false;
    for (const pid of pidsByName('systemd-journal')) {
      try {
        if (fs.statSync(`/proc/${pid}`).uid === 0) running = true;
      } catch { /* gone */ }
    }
    if (c.get('AUTO_DETECT_JOURNALCTL') === 'Y') {
      c.set('ENABLE_FW_MSG_READ_CMD', running ? 'Y' : 'N');
    } else if (c.get('ENABLE_FW_MSG_READ_CMD') === 'Y') {
      const cmd = c.get('FW_MSG_READ_CMD');
      try {
        fs.accessSync(cmd, fs.constants.X_OK);
      } catch {
        throw new PsadError(`Could not find/execute FW_MSG_READ_CMD: ${cmd}`);
      }
      if (!running) this.log('warning: it looks like systemd-journald is not running, but ENABLE_FW_MSG_READ_CMD is enabled.');
    } else if (running) {
      this.log('warning: it looks like systemd-journald is running, but ENABLE_FW_MSG_READ_CMD is not enabled.');
    }
  }

  /** psad's setup(): directories, the FIFO, the data file, counter files, syslog config. */
  private setup(firstTime: boolean): void {
    const c = this.cfg;
    for (const k of ['PSAD_DIR', 'PSAD_RUN_DIR', 'PSAD_FIFO_DIR', 'PSAD_CONF_DIR', 'CONF_ARCHIVE_DIR', 'PSAD_ERR_DIR']) {
      try {
        mkdirp(c.get(k));
      } catch (e) {
        // e.g. CONF_ARCHIVE_DIR under the systemd unit's read-only /etc: the daemon does not need it
        if (k === 'PSAD_CONF_DIR' || k === 'CONF_ARCHIVE_DIR') this.log(`could not create ${k} ${c.get(k)}: ${(e as Error).message}`);
        else throw e;
      }
    }
    const fifo = c.get('PSAD_FIFO_FILE');
    if (!isFifo(fifo)) {
      mkdirp(path.dirname(fifo));
      if (!fs.existsSync(fifo)) spawnSync('mkfifo', ['-m', '600', fifo]);
    }
    if (!firstTime) return;
    this.dataFile = this.selectDataFile();
    // FW_DATA_FILE is psad's own (kmsgsd writes it); the syslog daemon's and ulogd's files are
    // theirs: psad does not create them (psad 2.4.6 did, and then watched an empty file forever)
    const own = this.dataFileVar() === 'FW_DATA_FILE';
    if (c.get('TRUNCATE_FWDATA') === 'Y' && c.get('ENABLE_SYSLOG_FILE') !== 'Y' && !this.flags.messagesFile && !this.resume) {
      // kmsgsd appends, so it goes on writing at the new end: it is not restarted (psad 2.4.6 restarted
      // it, and the FIFO had no reader meanwhile); after an unclean exit nothing is emptied
      if (own || fs.existsSync(this.dataFile)) {
        mkdirp(path.dirname(this.dataFile));
        truncate(this.dataFile);
      }
    } else if (own && !fs.existsSync(this.dataFile)) {
      mkdirp(path.dirname(this.dataFile));
      truncate(this.dataFile);
    }
    const sock = c.get('AUTO_IPT_SOCK');
    if (fs.existsSync(sock)) fs.rmSync(sock, { force: true });
    if (c.get('IMPORT_OLD_SCANS') === 'N' && !this.resume) {
      const p = this.paths();
      for (const f of [p.packetCounter, p.prefixCounter, p.dshieldCounter, p.topSigs, p.topPorts, p.topAttackers]) truncate(f);
    }
    if (c.get('ENABLE_SYSLOG_FILE') !== 'Y') {
      try { fs.chmodSync(this.dataFile, 0o600); } catch { /* fine */ }
    }
    try { fs.chmodSync(c.get('FW_ERROR_LOG'), 0o600); } catch { /* not there yet */ }
    if (c.get('ENABLE_SYSLOG_FILE') !== 'Y' && !/ulog/i.test(c.get('SYSLOG_DAEMON'))) this.configureSyslogDaemon();
  }

  /** Makes the system logger write kern.info into the FIFO (ENABLE_SYSLOG_FILE=N). */
  private configureSyslogDaemon(): void {
    const c = this.cfg;
    const fifo = c.get('PSAD_FIFO_FILE');
    const daemon = c.get('SYSLOG_DAEMON');
    const confs = ['ETC_SYSLOG_CONF', 'ETC_RSYSLOG_CONF', 'ETC_SYSLOGNG_CONF', 'ETC_METALOG_CONF'].map((k) => c.opt(k, ''));
    if (!confs.some((f) => f && fs.existsSync(f))) throw new PsadError('No system logger config file could be found.');
    const confVar = daemon === 'rsyslogd' ? 'ETC_RSYSLOG_CONF' : daemon === 'syslog-ng' ? 'ETC_SYSLOGNG_CONF'
      : daemon === 'metalog' ? 'ETC_METALOG_CONF' : 'ETC_SYSLOG_CONF';
    const file = c.opt(confVar, '');
    if (!file || !fs.existsSync(file)) {
      this.mailer.send(`${c.get('MAIL_ERROR_PREFIX')} ${file} does not exist, check SYSLOG_DAEMON setting on ${c.get('HOSTNAME')}`, '');
      return;
    }
    const text = fs.readFileSync(file, 'latin1');
    // under the hardened systemd unit /etc is read-only: say what to add instead of failing
    const write = (what: string, fn: () => void): boolean => {
      try {
        fn();
        return true;
      } catch (e) {
        this.sourceLog(`could not ${what} ${file} (${(e as Error).message}); make ${daemon} write kern.info messages to ${fifo} yourself`);
        return false;
      }
    };
    const orig = () => { if (!fs.existsSync(`${file}.orig`)) fs.copyFileSync(file, `${file}.orig`); };
    try { orig(); } catch { /* reported when the file itself has to change */ }
    const hup = (name: string) => {
      for (const pid of pidsByName(name)) {
        try { process.kill(pid, 'SIGHUP'); } catch { /* gone */ }
      }
    };
    if (daemon === 'syslog-ng') {
      const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
      if (lines.some((l) => l.includes(fifo) || /psadfifo/.test(l))) return;
      if (!write('change', () => {
        orig();
        fs.appendFileSync(file, `\nsource psadsrc { unix-stream("/dev/log"); internal(); pipe("/proc/kmsg"); };\n`
          + 'filter f_psad { facility(kern) and match("IN=") and match("OUT="); };\n'
          + `destination psadpipe { pipe("${fifo}"); };\n`
          + 'log { source(psadsrc); filter(f_psad); destination(psadpipe); };\n');
      })) return;
      this.log(`reconfiguring syslog-ng to write kern.info messages to ${fifo}`);
      hup('syslog-ng');
      return;
    }
    if (daemon === 'metalog') {
      throw new PsadError('SYSLOG_DAEMON metalog cannot be reconfigured automatically; make metalog write kern messages to the FIFO by hand.');
    }
    const readable = (f: string) => { try { return fs.readFileSync(f, 'latin1'); } catch { return ''; } };
    if (feedsFifo(text, fifo)) return;
    if (daemon === 'rsyslogd' && rsyslogFiles(file).slice(1).some((f) => feedsFifo(readable(f), fifo))) return;
    const kept = text.split('\n').filter((l) => !/psadfifo/i.test(l)).join('\n');
    const line = fifoConfLine(daemon, fifo);
    if (!write('change', () => {
      orig();
      fs.writeFileSync(file, `${kept}\n### Send kern.info messages to psadfifo for analysis by kmsgsd\n${line}\n`);
    })) return;
    this.log(`reconfiguring ${daemon} to write kern.info messages to ${fifo}`);
    if (daemon === 'rsyslogd') {
      // a HUP does not make rsyslog re-read its configuration (psad 2.4.6 HUPs syslogd, R12)
      this.sourceLog(`added "${line.replace(/\t+/, ' ')}" to ${file}: restart rsyslogd to make it write the FIFO`);
      return;
    }
    hup('syslogd');
  }

  /** Starts kmsgsd or psadwatchd as `<cmd> -c <config> [-O <overrides>]` and waits for it to daemonize. */
  private startHelper(name: 'kmsgsd' | 'psadwatchd'): void {
    const cmd = this.cfg.cmd(name)!;
    const args = ['-c', this.flags.configFile];
    if (this.flags.overrides.length) args.push('-O', this.flags.overrides.join(','));
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30000 });
    if (r.error) this.log(`could not start ${name} (${cmd}): ${r.error.message}`);
  }

  private startHelpers(): void {
    const c = this.cfg;
    const f = this.flags;
    const wantKmsgsd = c.get('ENABLE_SYSLOG_FILE') !== 'Y' && !f.noKmsgsd && !/ulog/i.test(c.get('SYSLOG_DAEMON')) && !f.messagesFile;
    if (wantKmsgsd) {
      this.startHelper('kmsgsd');
    } else {
      const pidFile = c.get('KMSGSD_PID_FILE');
      const pid = runningPid(pidFile);
      if (pid) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
      if (fs.existsSync(pidFile)) fs.rmSync(pidFile, { force: true });
    }
    if (!f.debug && !f.noDaemon && c.get('ENABLE_PSADWATCHD') !== 'N') this.startHelper('psadwatchd');
  }

  /** Removes (or imports, or archives) the per-IP directories of the previous run. */
  private previousRun(): void {
    const c = this.cfg;
    const dir = c.get('PSAD_DIR');
    if (this.resume) {
      this.resumeScans();
      return;
    }
    if (c.get('IMPORT_OLD_SCANS') === 'Y') {
      const x = importScanData(dir, this.paths(), this.engine, {
        emailLimitPerDst: c.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y', dshield: c.get('ENABLE_DSHIELD_ALERTS') === 'Y',
      });
      for (const [p, n] of x.prefixes) this.pstate.prefixCounts.set(p, n);
      this.dshieldEmails = x.dshieldEmails;
      this.dshieldPackets = x.dshieldPackets;
      let n = 0;
      for (const s of this.engine.sources.values()) if (s.dl !== undefined) n++;
      this.log(`imported ${n} scanning IP addresses from previous psad instance`);
      return;
    }
    const archive = c.get('ENABLE_SCAN_ARCHIVE') === 'Y';
    const archDir = c.get('SCAN_DATA_ARCHIVE_DIR');
    if (archive) mkdirp(archDir);
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (!isSourceDirName(name) || !fs.statSync(p).isDirectory()) continue;
      if (archive) {
        let dl = 0;
        try { dl = Number(fs.readFileSync(path.join(p, 'danger_level'), 'latin1').trim()); } catch { /* none */ }
        if (dl >= c.num('MIN_ARCHIVE_DANGER_LEVEL')) {
          fs.rmSync(path.join(archDir, name), { recursive: true, force: true });
          fs.renameSync(p, path.join(archDir, name));
        }
      } else fs.rmSync(p, { recursive: true, force: true });
    }
    if (archive && c.get('ENABLE_SYSLOG_FILE') !== 'Y') {
      const fa = path.join(archDir, 'fwdata_archive');
      try {
        if (fs.statSync(fa).size > 2367766) truncate(fa);
      } catch { /* none yet */ }
      try {
        fs.appendFileSync(fa, fs.readFileSync(this.dataFile));
      } catch { /* no data file */ }
    }
  }

  /** The variable that names the data file, for messages. */
  private dataFileVar(): string {
    const c = this.cfg;
    if (this.flags.messagesFile) return '--messages-file';
    if (/ulog/i.test(c.get('SYSLOG_DAEMON'))) return 'ULOG_DATA_FILE';
    if (c.get('ENABLE_SYSLOG_FILE') === 'Y') return 'IPT_SYSLOG_FILE';
    return 'FW_DATA_FILE';
  }

  /** Who writes the source, for messages and -S ('' for the system logger's own file). */
  private sourceVia(): string {
    const c = this.cfg;
    if (this.readCmdMode || this.dataFileVar() !== 'FW_DATA_FILE') return '';
    return `kmsgsd from PSAD_FIFO_FILE ${c.get('PSAD_FIFO_FILE')}`;
  }

  /** A fresh source status (at start and when the source changes on HUP). */
  private newSourceStatus(): SourceStatus {
    const cmd = this.readCmdMode;
    // the kernel-log check goes on across a change of source (HUP)
    const k = this.source ? { kernel: this.source.kernel, kernelMessages: this.source.kernelMessages, stalledSince: this.source.stalledSince }
      : { kernel: '', kernelMessages: -1, stalledSince: 0 };
    return {
      variable: cmd ? 'FW_MSG_READ_CMD' : this.dataFileVar(),
      path: cmd ? this.readCmdArgv().join(' ') : this.dataFile,
      via: this.sourceVia(),
      state: cmd ? 'running' : 'reading',
      detail: '',
      since: Math.floor(Date.now() / 1000),
      read: 0, parsed: 0, ignored: 0, rejected: 0, lastLine: 0, inode: 0, offset: 0,
      ...k,
    };
  }

  /** Messages about the source: syslog, and stderr when psad runs in the foreground. */
  private sourceLog(msg: string): void {
    this.sourceLogger.warn(msg);
  }

  /**
   * Opens the data file: at its end (existing content is not analysed), or,
   * resuming after an unclean exit, where the previous psad stopped.
   */
  private openDataFile(at: 'end' | TailPosition): void {
    this.input?.close();
    const tail = new FileTail(this.dataFile, this.dataFileVar(), (m) => this.sourceLog(m));
    this.input = tail;
    tail.open(at);
    this.source = this.newSourceStatus();
    this.updateSourceState();
    const via = this.source.via ? `, written by ${this.source.via}` : '';
    if (tail.state !== 'reading') return;
    if (at === 'end') {
      this.log(`reading firewall messages from ${this.source.variable} ${this.dataFile}${via}`);
    } else {
      const p = tail.position();
      const from = p.offset === at.offset && p.inode === at.inode ? `where the previous psad stopped (byte ${p.offset})` : 'its start (it was replaced meanwhile)';
      this.log(`reading firewall messages from ${this.source.variable} ${this.dataFile}${via}, from ${from}`);
    }
  }

  /** The source's state, lines read and (a file) read position, into what psad.source says. */
  private updateSourceState(): void {
    const input = this.input;
    const s = this.source;
    if (!input || !s) return;
    s.state = input.state;
    s.detail = input.problem;
    s.read = input.linesRead;
    if (input instanceof FileTail) {
      const p = input.position();
      s.inode = p.inode;
      s.offset = p.offset;
    }
  }

  /**
   * After an unclean exit: the scan table, danger levels, e-mail counters
   * and counters from the files the dead psad wrote every interval
   * (whatever IMPORT_OLD_SCANS says; see crash-resume.ts).
   */
  private resumeScans(): void {
    const c = this.cfg;
    const r = this.resume!;
    const x = importScanData(c.get('PSAD_DIR'), this.paths(), this.engine, {
      emailLimitPerDst: c.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y', dshield: c.get('ENABLE_DSHIELD_ALERTS') === 'Y',
      resume: { keepSignatures: c.get('SHOW_ALL_SIGNATURES') === 'Y' },
    });
    for (const [p, n] of x.prefixes) this.pstate.prefixCounts.set(p, n);
    this.dshieldEmails = x.dshieldEmails;
    this.dshieldPackets = x.dshieldPackets;
    resumeAlertState(c, this.engine, this.alertState);
    for (const s of this.engine.sources.values()) {
      if (s.emailCtr) this.emailCtrFiles.set(`${c.get('PSAD_DIR')}/${s.ip}/email_ctr`, s.emailCtr);
      for (const [d, n] of s.dstEmailCtr) if (n) this.emailCtrFiles.set(`${c.get('PSAD_DIR')}/${s.ip}/${d}_email_ctr`, n);
    }
    let n = 0;
    for (const s of this.engine.sources.values()) if (s.dl !== undefined) n++;
    const since = r.started ? ` started ${ctime(new Date(r.started * 1000))}` : '';
    this.log(`psad (pid ${r.pid}${since}) did not exit cleanly: resuming with ${n} scanning IP addresses from ${c.get('PSAD_DIR')}`);
  }

  /** Resuming: where the dead psad stopped reading, when it read the same file. */
  private resumePosition(): 'end' | TailPosition {
    const prev = this.resume?.source;
    if (!prev || prev.variable !== this.dataFileVar() || prev.path !== this.dataFile || !prev.inode) return 'end';
    return { inode: prev.inode, offset: prev.offset };
  }

  /** The kernel-log cross-check (delivery-check.ts); not on a log server, whose lines come from other hosts. */
  private startKernelCheck(): void {
    this.deliveryCheck = new DeliveryCheck(10 + 2 * this.checkInterval);
    this.kernelLog?.close();
    this.kernelLog = null;
    if (this.flags.logServer) {
      this.source.kernel = 'off (--log-server: the firewall lines come from other hosts)';
      return;
    }
    // the FIFO path (kmsgsd) and journalctl get every kernel firewall message; a syslog file may
    // hold only the part an administrator routes to it, so there a missing message proves nothing
    if (!this.readCmdMode && this.dataFileVar() !== 'FW_DATA_FILE') {
      this.source.kernel = `off (${this.dataFileVar()} may hold only part of the kernel log)`;
      return;
    }
    const k = new KernelLog(compileFilter(filterSpecFromConfig(this.cfg)));
    if (k.open()) {
      this.kernelLog = k;
      this.source.kernel = 'on';
      this.source.kernelMessages = 0;
    } else {
      this.source.kernel = `unavailable (${k.problem})`;
      this.log(`cannot read the kernel log to check that its firewall messages reach psad: ${k.problem}`);
    }
  }

  /**
   * After reading the source: firewall messages the kernel logged that have
   * not reached psad after the grace time are reported once (syslog, stderr
   * in the foreground, an error mail), and again when lines arrive.
   */
  private pollKernel(): void {
    const k = this.kernelLog;
    if (!k || !this.deliveryCheck) return;
    this.deliveryCheck.kernel(k.poll(), Math.floor(Date.now() / 1000));
    if (!k.available) {
      this.source.kernel = `unavailable (${k.problem})`;
      this.source.kernelMessages = -1;
      this.log(`stopped reading the kernel log: ${k.problem}`);
      this.kernelLog = null;
      return;
    }
    this.source.kernelMessages = this.deliveryCheck.kernelTotal;
  }

  private checkDelivery(fwLines: number): void {
    const d = this.deliveryCheck;
    if (!d) return;
    const now = Math.floor(Date.now() / 1000);
    const c = this.cfg;
    const where = `${this.source.variable} ${this.source.path}${this.source.via ? ` (written by ${this.source.via})` : ''}`;
    if (d.delivered(fwLines, now) === 'resumed') {
      this.log(`firewall messages reach psad again through ${where}`);
    }
    if (!this.kernelLog) return;
    if (d.check(now) === 'stalled') {
      const since = ctime(new Date(d.stalledSince * 1000));
      const hint = this.source.via
        ? `is the syslog daemon writing kern.info to ${c.get('PSAD_FIFO_FILE')}, and is kmsgsd running?`
        : this.readCmdMode ? 'does the command still print the kernel log?' : 'does the syslog daemon still write the kernel log to this file?';
      const msg = `the kernel logged ${d.undelivered} firewall message(s) since ${since} but none reached ${where}: ${hint}`;
      this.sourceLog(msg);
      this.mailer.send(`${c.get('MAIL_ERROR_PREFIX')} firewall messages do not reach psad on ${c.get('HOSTNAME')}`, `${msg}\n`);
    }
    this.source.stalledSince = d.stalledSince;
  }

  private writeSourceStatus(): void {
    if (!this.source) return;
    try {
      writeSourceStatus(sourceStatusFile(this.cfg), this.source);
    } catch (e) {
      const msg = `could not write ${sourceStatusFile(this.cfg)}: ${(e as Error).message}`;
      if (msg !== this.lastWriteError) this.log(msg);
      this.lastWriteError = msg;
    }
  }

  /** FW_MSG_READ_CMD (journalctl -f -k) and, with USE_FW_MSG_READ_CMD_ARGS, its arguments. */
  private readCmdArgv(): string[] {
    const c = this.cfg;
    const argv = [c.get('FW_MSG_READ_CMD')];
    if (c.get('USE_FW_MSG_READ_CMD_ARGS') === 'Y') argv.push(...c.get('FW_MSG_READ_CMD_ARGS').split(/\s+/).filter((x) => x));
    return argv;
  }

  /** FW_MSG_READ_CMD as the source: its lines, the command restarted when it exits (command-source.ts). */
  private startReadCmd(): void {
    const cmd = new CommandSource(() => ({ argv: this.readCmdArgv(), minLines: this.cfg.num('FW_MSG_READ_MIN_PKTS') }), {
      log: (m) => this.log(m),
      problem: (m) => this.sourceLog(m),
      wake: () => this.kick(),
      started: (pid) => writePidFile(this.cfg.get('PSAD_FW_READ_PID_FILE'), pid),
    });
    this.input = cmd;
    this.source = this.newSourceStatus();
    this.log(`reading firewall messages from FW_MSG_READ_CMD ${this.readCmdArgv().join(' ')}`);
    cmd.start();
    this.updateSourceState();
  }

  /** Runs the next iteration now (new lines from the read command). */
  private kick(): void {
    if (this.wake) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  private sink(): AlertSink {
    const daemon = this;
    // a full disk or a removed directory must not stop detection: report and go on
    const guard = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (e) {
        const msg = `could not write ${what}: ${(e as Error).message}`;
        if (msg !== daemon.lastWriteError) daemon.log(msg);
        daemon.lastWriteError = msg;
      }
    };
    return {
      mkdir: (dir) => guard(dir, () => mkdirp(dir)),
      writeFile: (file, text) => {
        daemon.batchWritten.add(file);
        guard(file, () => fs.writeFileSync(file, Buffer.from(text, 'latin1'), { mode: 0o600 }));
      },
      syslog: (m) => daemon.syslog.log(m),
      stdout: (t) => { process.stdout.write(Buffer.from(t, 'latin1')); },
      mail: (subject, body) => daemon.mailer.send(subject, body),
      lookup: (req, then) => daemon.delivery.lookup(req, then),
      externalScript: (src) => daemon.scripts.run(daemon.cfg.get('EXTERNAL_SCRIPT'), src),
      now: () => Math.floor(Date.now() / 1000),
    };
  }

  private lastWriteError = '';
  delivery!: AlertDelivery;
  scripts!: ExtScriptRunner;
  dshield: DShield | null = null;

  /**
   * Alert delivery (lookups and mail in the background, in alert order),
   * external scripts and DShield reports; at start and on HUP.
   */
  private initAlerts(cfg: PsadConfig): void {
    if (!this.delivery) this.delivery = new AlertDelivery(this.resolver, (m) => this.log(m));
    if (!this.scripts) this.scripts = new ExtScriptRunner({ log: (m) => this.log(m) });
    const on = cfg.get('ENABLE_DSHIELD_ALERTS') === 'Y';
    this.popts.dshield = on;
    if (!on) {
      this.dshield = null;
      return;
    }
    const o = {
      userId: cfg.get('DSHIELD_USER_ID'),
      alertEmail: cfg.get('DSHIELD_ALERT_EMAIL'),
      userEmail: cfg.get('DSHIELD_USER_EMAIL'),
      dlThreshold: cfg.num('DSHIELD_DL_THRESHOLD'),
      intervalHours: cfg.num('DSHIELD_ALERT_INTERVAL') || 6,
      checkInterval: this.checkInterval,
      emailFile: cfg.get('DSHIELD_EMAIL_FILE'),
      counterFile: cfg.get('DSHIELD_COUNTER_FILE'),
      version: PSAD_VERSION,
      // DShield reports do not depend on ALERTING_METHODS (as in psad 2.4.6)
      send: (m: Parameters<Mailer['sendMessage']>[0]) => this.mailer.sendMessage(m, !this.flags.testMode),
      log: (m: string) => this.log(m),
    };
    if (this.dshield) this.dshield.reconfigure(o);
    else this.dshield = new DShield(o, Math.floor(Date.now() / 1000));
  }

  /** One batch: parse, detect, assign levels, alerts. */
  /** One batch; returns the number of firewall lines (IN= and OUT=) among `lines`. */
  private async checkScan(lines: string[]): Promise<number> {
    this.flags.debugTrace?.err('[+] check_scan()...\n');
    const batch = new Batch();
    const errors: string[] = [];
    const now = Math.floor(Date.now() / 1000);
    const ds = this.dshield;
    ds?.startBatch(new Date());
    if (this.intervalCtr % 10 === 0 && !this.flags.noNetstat) this.localPorts = listeningPorts();
    const src = this.source;
    src.lastLine = now;
    let fwLines = 0;
    for (const line of lines) {
      const pkt = new Packet();
      const rv = parseLine(line, true, pkt, this.popts, this.pstate);
      if (rv === PKT_ERROR) {
        src.rejected++;
        fwLines++;
        errors.push(line);
        continue;
      }
      if (rv === PKT_IGNORE) {
        src.ignored++;
        const i = line.indexOf('IN=');
        if (i >= 0 && line.indexOf('OUT=', i) >= 0) fwLines++;
        continue;
      }
      src.parsed++;
      fwLines++;
      if (ds) {
        // a DShield line for every packet the engine counts (psad adds it where the pair's counters grow)
        const before = this.engine.sources.get(pkt.src)?.pairs.get(pkt.dst)?.absnum ?? 0;
        this.engine.processPacket(pkt, batch, now);
        if ((this.engine.sources.get(pkt.src)?.pairs.get(pkt.dst)?.absnum ?? 0) > before) ds.add(pkt.timestamp, pkt.dshieldStr);
        continue;
      }
      this.engine.processPacket(pkt, batch, now);
    }
    // (the engine printed them in debug mode when they arose)
    for (const n of this.engine.notes.splice(0)) this.syslog.log(n);
    if (!this.flags.noIptErrors && errors.length) {
      try {
        fs.appendFileSync(this.cfg.get('FW_ERROR_LOG'), Buffer.from(errors.map((e) => `${e}\n`).join(''), 'latin1'), { mode: 0o600 });
      } catch (e) {
        this.log(`could not write ${this.cfg.get('FW_ERROR_LOG')}: ${(e as Error).message}`);
      }
    }
    this.engine.assignDangerLevels(batch);
    const f = this.flags;
    const respond = () => this.response?.afterBatch(batch.scan.keys(), (ip) => this.engine.sources.get(ip)?.dl, (ip) => batch.autoBlockRegexMatch.has(ip));
    const c = this.cfg;
    const settings = alertSettings(c, {
      analysisMode: false, analysisEmails: false, noDaemon: f.noDaemon, noEmailAlerts: f.testMode || !alertingMethods(c).mail,
      noRdns: f.noRdns, noWhois: f.noWhois, noPassiveOs: f.runtime.noPassiveOs,
    });
    settings.debug = f.debugTrace;
    this.batchWritten.clear();
    const sink = this.sink();
    scanLogr(this.engine, batch, settings, alertData(this.tables, this.engine, this.localPorts), this.alertState, sink);
    // the files a restarted psad resumes from, also for the pairs no alert wrote
    keepScanFilesCurrent(this.engine, batch, c.get('PSAD_DIR'), this.batchWritten, c.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y',
      this.emailCtrFiles, sink);
    respond();
    if (batch.scanIpPairsMaxHit) this.log('scan IP pairs threshold reached');
    return fwLines;
  }

  private postScanProcessing(): void {
    const c = this.cfg;
    const th = c.num('TOP_SCANS_CTR_THRESHOLD');
    try {
      if (th === 0 || this.intervalCtr % th === 0) {
        writeTopFiles(this.paths(), this.engine, this.tables.signatures?.bySid ?? new Map(), this.tables.fwsnort, {
          ports: c.num('TOP_PORTS_LOG_THRESHOLD'), sigs: c.num('TOP_SIGS_LOG_THRESHOLD'), ips: c.num('TOP_IP_LOG_THRESHOLD'),
          minDl: c.num('MIN_DANGER_LEVEL'),
        });
      }
      writeCounters(this.paths(), this.engine, this.pstate.prefixCounts);
    } catch (e) {
      this.log(`could not write status files in ${c.get('PSAD_DIR')}: ${(e as Error).message}`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (this.dshield) {
      try {
        this.dshield.maybeSend(now, (ip) => this.engine.sources.get(ip)?.dl);
      } catch (e) {
        this.log(`DShield report failed: ${(e as Error).message}`);
      }
    }
    const maxPct = c.num('DISK_MAX_PERCENTAGE');
    if (maxPct > 0 && now - this.lastDiskCheck > c.num('DISK_CHECK_INTERVAL')) this.diskCheck(maxPct);
    if (c.get('ENABLE_PERSISTENCE') === 'N') {
      const pct = c.num('PERSISTENCE_CTR_THRESHOLD');
      if (pct === 0 || this.intervalCtr % pct === 0) this.engine.expireScans(now, c.num('SCAN_TIMEOUT'));
    }
    this.respondPost();
  }

  /** Block expiry, then the control-socket commands, then (every 30 iterations) the kernel check. */
  private respondPost(): void {
    const r = this.response;
    const cmds = this.control?.take() ?? [];
    if (!r) {
      if (cmds.length) this.log(`ignoring ${cmds.length} auto-response command(s): ENABLE_AUTO_IDS is not Y`);
      return;
    }
    r.expire();
    if (cmds.length) r.commands(cmds);
    if (this.intervalCtr > 0 && this.intervalCtr % 30 === 0) r.reconcile();
  }

  /** The start-up firewall check (ENABLE_FW_LOGGING_CHECK, unless --no-fwcheck or --log-server). */
  private startupFwCheck(): void {
    const c = this.cfg;
    if (this.flags.noFwcheck || this.flags.logServer || c.get('ENABLE_FW_LOGGING_CHECK') === 'N') return;
    try {
      const mail = !this.flags.testMode && alertingMethods(c).mail;
      const rv = fwAnalyzeMain(c, { fwFile: this.flags.fwFile || undefined, out: () => undefined, analyze: false, mail });
      if (rv !== 0) this.log(`firewall setup warning: the ruleset does not log what psad needs, see ${c.get('FW_CHECK_FILE')}`);
    } catch (e) {
      this.log(`firewall check failed: ${(e as Error).message.replace(/\n/g, ' ')}`);
    }
  }

  /** Used percentage of the file system holding PSAD_DIR, rounded up like df. */
  private diskUsed(): number {
    const s = fs.statfsSync(this.cfg.get('PSAD_DIR'));
    const used = s.blocks - s.bfree;
    const total = used + s.bavail;
    return total > 0 ? Math.ceil((used * 100) / total) : 0;
  }

  private diskCheck(maxPct: number): void {
    const c = this.cfg;
    this.lastDiskCheck = Math.floor(Date.now() / 1000);
    let pct = 0;
    try {
      pct = this.diskUsed();
    } catch {
      return;
    }
    if (pct <= maxPct) {
      this.diskFailures = 0;
      return;
    }
    const dir = c.get('PSAD_DIR');
    const host = c.get('HOSTNAME');
    this.diskFailures++;
    this.log(`disk partition associated with ${dir} exceeded ${maxPct} prct utilization.`);
    this.mailer.send(`${c.get('MAIL_ERROR_PREFIX')} Exceeded max disk utilization for ${dir} on ${host}`, '');
    this.log(`removing data in ${dir}`);
    const arch = c.get('SCAN_DATA_ARCHIVE_DIR');
    if (fs.existsSync(arch)) {
      this.log(`removing ${arch} directory`);
      fs.rmSync(arch, { recursive: true, force: true });
      mkdirp(arch);
    }
    for (const name of fs.readdirSync(dir)) {
      if (!isSourceDirName(name)) continue;
      const p = path.join(dir, name);
      try {
        for (const f of fs.readdirSync(p)) if (f.includes('_signatures')) fs.rmSync(path.join(p, f), { force: true });
      } catch { /* not a dir */ }
    }
    if (c.get('ENABLE_SYSLOG_FILE') !== 'Y' && !this.flags.messagesFile) {
      try {
        truncate(this.dataFile);
        if (this.input instanceof FileTail) this.input.rewind();
      } catch { /* keep going */ }
    }
    if (this.diskFailures > c.num('DISK_MAX_RM_RETRIES')) {
      this.log(`could not sufficiently reduce disk utilization in ${dir} partition.  Stopping psad!`);
      this.mailer.send(`${c.get('MAIL_ERROR_PREFIX')} Could not reduce disk utilization on ${host}`, '');
      this.mailer.send(`${c.get('MAIL_FATAL_PREFIX')} Stopping psad on ${host}!`, '');
      for (const k of ['PSADWATCHD_PID_FILE', 'KMSGSD_PID_FILE']) {
        const pid = runningPid(c.get(k));
        if (pid) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
      void this.stop(1);
    }
  }

  /** HUP: re-read config and data; on an error keep running on the old ones and log why. */
  private reload(): void {
    this.log('received HUP signal, re-importing psad.conf');
    let cfg: PsadConfig;
    try {
      cfg = loadConfig({ configFile: this.flags.configFile, overrideFiles: this.flags.overrides });
      this.flags.applyCmdline(cfg);
      const old = { cfg: this.cfg, tables: this.tables };
      try {
        this.detectJournaldFor(cfg);
        this.init(cfg);
      } catch (e) {
        this.cfg = old.cfg;
        this.tables = old.tables;
        throw e;
      }
    } catch (e) {
      const msg = e instanceof PsadError ? e.message : (e as Error).message;
      this.log(`HUP: keeping the previous configuration, the new one has an error: ${msg.replace(/\n/g, ' ')}`);
      return;
    }
    this.setup(false);
    const newFile = this.selectDataFile();
    const readingCmd = this.input instanceof CommandSource;
    if (this.readCmdMode && !readingCmd) {
      // ENABLE_FW_MSG_READ_CMD (or AUTO_DETECT_JOURNALCTL) turned on: the command from now on
      this.input?.close();
      this.startReadCmd();
      this.startKernelCheck();
    } else if (!this.readCmdMode && (readingCmd || newFile !== this.dataFile)) {
      // turned off, or another data file named: that file from its end (the command is stopped)
      if (readingCmd) fs.rmSync(this.cfg.get('PSAD_FW_READ_PID_FILE'), { force: true });
      this.dataFile = newFile;
      this.openDataFile('end');
      this.startKernelCheck();
    }
  }

  private detectJournaldFor(cfg: PsadConfig): void {
    const prev = this.cfg;
    this.cfg = cfg;
    try {
      this.detectJournald();
    } finally {
      this.cfg = prev;
    }
  }

  private dumpScanHash(): void {
    const file = `${this.cfg.get('PSAD_DIR')}/scan_hash.${process.pid}`;
    this.log(`received USR1 signal, printing scan hashes to ${file}`);
    try {
      fs.writeFileSync(file, dumpScanState(this.engine), { mode: 0o600 });
    } catch (e) {
      this.log(`could not write ${file}: ${(e as Error).message}`);
    }
  }

  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.input?.close();
    this.control?.close();
    // alerts waiting for lookups go out without them, then the mail queue is emptied (or saved)
    await this.delivery?.close(3000);
    await this.scripts?.idle(3000);
    await this.mailer?.idle(5000);
    await this.syslog?.flush();
    const c = this.cfg;
    // a clean stop: the next start is a fresh one (a pid file left behind means a crash, crash-resume.ts)
    if (runningPid(c.get('PSAD_PID_FILE')) === process.pid) fs.rmSync(sourceStatusFile(c), { force: true });
    removeOwnPidFile(c.get('PSAD_PID_FILE'));
    if (this.readCmdMode) {
      const f = c.get('PSAD_FW_READ_PID_FILE');
      if (fs.existsSync(f)) fs.rmSync(f, { force: true });
    }
    this.syslog?.close();
    process.exit(code);
  }

  /** The startup sequence and the main loop. Resolves with the exit code. */
  async run(cfg: PsadConfig): Promise<number> {
    const f = this.flags;
    this.cfg = cfg;
    // syslog for the first messages
    this.syslog = new Syslog({
      ident: cfg.get('SYSLOG_IDENTITY'),
      priority: syslogPriority(cfg.get('SYSLOG_FACILITY'), cfg.get('SYSLOG_PRIORITY')),
      socket: cfg.opt('SYSLOG_SOCKET', '/dev/log'),
      enabled: !f.testMode && alertingMethods(cfg).syslog,
    });
    this.detectJournald();
    if (!isDaemonChild()) {
      this.init(cfg);
      this.log(`starting up psad version ${PSAD_VERSION}`);
      const pidFile = cfg.get('PSAD_PID_FILE');
      const running = runningPid(pidFile);
      if (running && running !== process.pid) {
        const msg = 'Another psad process is already running, exiting.';
        this.log(msg);
        await this.syslog.flush();
        throw new PsadError(msg);
      }
      this.resume = findUncleanExit(cfg);
      this.startupFwCheck();
      this.setup(true);
      if (!f.noDaemon && !f.debug) {
        // what the background process will say in syslog, said where the administrator sees it
        if (!this.readCmdMode) {
          try {
            fs.accessSync(this.dataFile, fs.constants.R_OK);
          } catch (e) {
            const err = e as NodeJS.ErrnoException;
            process.stderr.write(err.code === 'ENOENT'
              ? `[-] ${this.dataFileVar()} ${this.dataFile} does not exist; psad does not create it and reads it when it appears\n`
              : `[-] ${this.dataFileVar()} ${this.dataFile} cannot be read (${err.message}); psad reads it when it can\n`);
          }
        }
        mkdirp(path.dirname(pidFile));
        return daemonize(pidFile, 30000, resumeEnv(this.resume));
      }
    } else {
      this.init(cfg);
      this.resume = handedOverExit(cfg);
      this.setup(false);
      this.dataFile = this.selectDataFile();
    }
    // the daemon itself (background child, or foreground with --no-daemon/--debug)
    const c = this.cfg;
    mkdirp(path.dirname(c.get('PSAD_PID_FILE')));
    writePidFile(c.get('PSAD_PID_FILE'));
    if (!f.debug) fs.writeFileSync(c.get('PSAD_CMDLINE_FILE'), `${f.argv.join(' ')}\n`, { mode: 0o600 });
    // handlers first: a TERM that arrives while the helpers start waits for them
    // (they have written their pid files by then), so `psad -K` can stop them
    process.on('SIGHUP', () => { this.hupFlag = true; this.kick(); });
    process.on('SIGUSR1', () => { this.usr1Flag = true; this.kick(); });
    process.on('SIGTERM', () => { void this.stop(0); });
    process.on('SIGINT', () => { void this.stop(0); });
    this.startHelpers();
    if (!f.noNetstat) this.localPorts = listeningPorts();
    this.lastDiskCheck = Math.floor(Date.now() / 1000);
    this.previousRun();
    try {
      writeCounters(this.paths(), this.engine, this.pstate.prefixCounts);
      fs.writeFileSync(c.get('DSHIELD_COUNTER_FILE'), dshieldCounterText(this.dshieldEmails, this.dshieldPackets), { mode: 0o600 });
      if (this.dshield) {
        this.dshield.emails = this.dshieldEmails;
        this.dshield.packets = this.dshieldPackets;
      }
    } catch (e) {
      this.log(`could not write status files: ${(e as Error).message}`);
    }
    if (this.response) {
      // resuming: the block rules stay in place (FLUSH_IPT_AT_INIT is for a fresh start)
      this.response.startup({ keepRules: !!this.resume });
      this.control = new ControlSocket(c.get('AUTO_IPT_SOCK'), (m) => this.log(m), () => this.kick());
      try {
        await this.control.listen();
      } catch (e) {
        this.log(`could not listen on ${c.get('AUTO_IPT_SOCK')}: ${(e as Error).message}`);
        this.control = null;
      }
    }
    if (this.readCmdMode) this.startReadCmd();
    else this.openDataFile(this.resumePosition());
    this.startKernelCheck();
    this.writeSourceStatus();
    const unsent = this.mailer.recover();
    if (unsent) this.log(`sending ${unsent} mail(s) that a previous psad had not delivered when it stopped`);
    for (;;) {
      if (this.stopping) return 0;
      if (this.hupFlag) {
        this.hupFlag = false;
        this.reload();
      }
      if (this.usr1Flag) {
        this.usr1Flag = false;
        this.dumpScanHash();
      }
      // the kernel's own count first: a line it logged before this read may be among the lines read
      this.pollKernel();
      const lines: string[] = [];
      // the source of the mode psad runs in (a HUP that changes the mode or the data file switches it)
      if (this.input) {
        this.input.read(lines);
        this.updateSourceState();
      }
      try {
        const fwLines = lines.length ? await this.checkScan(lines) : 0;
        // the read position right after the per-IP files it belongs to (a crash between the two re-reads a batch)
        if (lines.length) this.writeSourceStatus();
        this.postScanProcessing();
        this.flags.debugTrace?.err(`[+] MAIN: number of new packets: ${lines.length}\n`);
        this.checkDelivery(fwLines);
        this.writeSourceStatus();
      } catch (e) {
        // psad 2.4.6 records such errors in psad.warn/psad.die; detection goes on
        const msg = `${(e as Error).stack ?? e}`;
        this.log(`error in the main loop: ${(e as Error).message}`);
        try {
          fs.appendFileSync(path.join(this.cfg.get('PSAD_ERR_DIR'), 'psad.warn'),
            `${new Date().toString()} psad-node pid: ${process.pid} ${msg}\n`, { mode: 0o600 });
        } catch { /* nowhere to write */ }
      }
      this.intervalCtr++;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(() => { this.wake = null; resolve(); }, this.checkInterval * 1000);
      });
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
