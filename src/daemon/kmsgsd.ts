/**
 * kmsgsd: copies the firewall lines the system logger writes into the psad
 * FIFO (PSAD_FIFO_FILE) to FW_DATA_FILE, where the psad daemon reads them.
 *
 * Differences from psad 2.4.6's C kmsgsd (runtime.md §3, R8, R9, R15):
 * the config is read by the same code as psad's (so FW_SEARCH_ALL /
 * FW_MSG_SEARCH and -O files behave as in psad); the filter decides per
 * line, not per read chunk; SIGHUP takes effect at once; SIGTERM/SIGINT
 * flush the pending lines and remove the pid file; a write error on the
 * data file is retried instead of being fatal; --no-daemon keeps it in the
 * foreground; the FIFO gets a 1 MiB buffer (pipe-size.ts) so that a syslog
 * daemon's burst does not find it full.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getopt } from '../config/getopt';
import { daemonOptSpecs, daemonUsage as usageText } from '../config/daemon-options';
import { loadConfig, PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { Syslog, syslogPriority } from '../alert/syslog';
import { Carry, EMPTY_CARRY, LineSplitter, MAX_LINE } from '../ingest/line-splitter';
import { FifoSource, ensureFifo } from '../ingest/fifo-source';
import { PSAD_VERSION } from '../report/status-report';
import { daemonize, isDaemonChild } from './daemonize';
import { pidAlive, readPid, removeOwnPidFile, writePidFile } from './pidfile';
import { enlargePipe } from './pipe-size';
import { daemonLogger } from '../text/daemon-log';

export const DEFAULT_CONFIG = '/etc/psad/psad.conf';

/** Lines waiting for the data file to become writable again, at most. */
export const MAX_PENDING = 64 << 20;

const NEWLINE = Buffer.from('\n');

// ---------------------------------------------------------------------------
// The filter: pure functions.

/** Which lines are forwarded. */
export interface FilterSpec {
  /** FW_SEARCH_ALL Y: every line with IN= and OUT= */
  searchAll: boolean;
  /** FW_MSG_SEARCH strings (used when searchAll is false) */
  patterns: readonly string[];
  /** SNORT_SID_STR (used when searchAll is false) */
  sidStr: string;
}

export interface CompiledFilter {
  searchAll: boolean;
  needles: readonly Buffer[];
}

const IN_EQ = Buffer.from('IN=');
const OUT_EQ = Buffer.from('OUT=');

/** The config strings as bytes, the way the config file was read (latin1). */
export function compileFilter(spec: FilterSpec): CompiledFilter {
  const needles = [...spec.patterns, spec.sidStr].filter((s) => s !== '').map((s) => Buffer.from(s, 'latin1'));
  return { searchAll: spec.searchAll, needles };
}

/** kmsgsd's rule, applied to one line: IN= and OUT=, and (unless search-all) one of the strings. */
export function lineMatches(line: Buffer, f: CompiledFilter): boolean {
  if (line.indexOf(IN_EQ) < 0 || line.indexOf(OUT_EQ) < 0) return false;
  if (f.searchAll) return true;
  for (const n of f.needles) if (line.indexOf(n) >= 0) return true;
  return false;
}

export interface ChunkResult {
  /** the forwarded lines, each ending with its newline */
  lines: Buffer[];
  carry: Carry;
  /** lines dropped because they were longer than the limit */
  oversized: number;
}

/**
 * What kmsgsd does with a chunk read from the FIFO, as a pure function: the
 * FIFO source's splitting (joining the unfinished line of the previous
 * chunk; a line over `maxLine` dropped), then the filter. Does not modify
 * its arguments; returned lines may share memory with the chunk.
 */
export function processChunk(carry: Carry, chunk: Buffer, f: CompiledFilter, maxLine = MAX_LINE): ChunkResult {
  const splitter = new LineSplitter({ maxLine, overLong: 'drop' }, carry);
  const lines: Buffer[] = [];
  splitter.push(chunk, (buf, start, end) => {
    const line = buf.subarray(start, end + 1);
    if (lineMatches(line, f)) lines.push(line);
  });
  return { lines, carry: splitter.carry, oversized: splitter.oversized };
}

/** The last, unterminated line (at shutdown), with a newline added, if it passes the filter. */
export function finishCarry(carry: Carry, f: CompiledFilter): Buffer | null {
  if (carry.dropping || carry.length === 0) return null;
  const line = Buffer.concat([...carry.parts, NEWLINE], carry.length + 1);
  return lineMatches(line, f) ? line : null;
}

/** Convenience for tests and tools: the forwarded text of a sequence of chunks. */
export function filterChunks(chunks: readonly (string | Buffer)[], spec: FilterSpec, maxLine = MAX_LINE): string[] {
  const f = compileFilter(spec);
  let carry = EMPTY_CARRY;
  const out: string[] = [];
  for (const c of chunks) {
    const r = processChunk(carry, typeof c === 'string' ? Buffer.from(c, 'latin1') : c, f, maxLine);
    carry = r.carry;
    for (const l of r.lines) out.push(l.toString('latin1'));
  }
  return out;
}

/** FW_SEARCH_ALL / FW_MSG_SEARCH / SNORT_SID_STR as loadConfig leaves them. */
export function filterSpecFromConfig(cfg: PsadConfig): FilterSpec {
  return {
    searchAll: cfg.get('FW_SEARCH_ALL') !== 'N',
    patterns: [...cfg.fwSearch],
    sidStr: cfg.opt('SNORT_SID_STR', ''),
  };
}

// ---------------------------------------------------------------------------
// Shared by kmsgsd and psadwatchd.

export interface DaemonArgs {
  configFile: string;
  overrides: string[];
  dump: boolean;
  help: boolean;
  version: boolean;
  noDaemon: boolean;
}

/** Parses the daemons' command line; errors are returned as texts. */
export function parseDaemonArgs(argv: readonly string[]): { args: DaemonArgs; errors: string[] } {
  const p = getopt(argv, daemonOptSpecs());
  const errors = [...p.errors];
  for (const r of p.rest) errors.push(`Unexpected argument: ${r}`);
  const v = p.values;
  const cfgText = v.has('config') ? String(v.get('config')) : DEFAULT_CONFIG;
  const ovrText = v.has('override') ? String(v.get('override')) : '';
  const overrides = ovrText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    args: {
      configFile: path.resolve(cfgText || DEFAULT_CONFIG),
      overrides: overrides.map((f) => path.resolve(f)),
      dump: v.get('dump') === true,
      help: v.get('help') === true,
      version: v.get('version') === true,
      noDaemon: v.get('noDaemon') === true,
    },
    errors,
  };
}

export function daemonUsage(prog: string, what: string): string {
  return usageText(prog, what, PSAD_VERSION, DEFAULT_CONFIG);
}

export function daemonVersion(prog: string): string {
  return `[+] ${prog} v${PSAD_VERSION} (psad Node.js port)\n`;
}

/** The syslog channel of a daemon: ident psad(<prog>), SYSLOG_FACILITY/PRIORITY, SYSLOG_SOCKET or /dev/log. */
export function syslogOptions(cfg: PsadConfig, prog: string) {
  return {
    ident: `psad(${prog})`,
    priority: syslogPriority(cfg.opt('SYSLOG_FACILITY', 'LOG_LOCAL7'), cfg.opt('SYSLOG_PRIORITY', 'LOG_INFO')),
    socket: cfg.opt('SYSLOG_SOCKET', '/dev/log'),
    enabled: true,
  };
}

/** Is the process alive (zombies count as dead)? */
export const processAlive = pidAlive;

export function errorText(e: unknown): string {
  if (e instanceof PsadError) return e.message;
  const err = e as NodeJS.ErrnoException;
  return err && err.message ? err.message : String(e);
}

/**
 * The common start of both daemons: options, config, single instance,
 * daemonizing. Returns the config and arguments to run with, or null after
 * setting process.exitCode (help, version, dump, errors, daemon parent).
 */
export async function daemonStart(
  prog: string,
  what: string,
  argv: readonly string[],
  opts: {
    load: (a: DaemonArgs) => PsadConfig;
    pidFileVar: string;
    dump: (cfg: PsadConfig) => string[];
    /** checks done before daemonizing, so that errors reach the terminal */
    prepare: (cfg: PsadConfig) => void;
  },
): Promise<{ cfg: PsadConfig; args: DaemonArgs } | null> {
  const { args, errors } = parseDaemonArgs(argv);
  if (errors.length) {
    for (const e of errors) process.stderr.write(`${e}\n`);
    process.stderr.write(`[*] See '${prog} -h' for usage information\n`);
    process.exitCode = 1;
    return null;
  }
  if (args.help) {
    process.stdout.write(daemonUsage(prog, what));
    process.exitCode = 0;
    return null;
  }
  if (args.version) {
    process.stdout.write(daemonVersion(prog));
    process.exitCode = 0;
    return null;
  }
  let cfg: PsadConfig;
  try {
    cfg = opts.load(args);
    if (args.dump) {
      process.stderr.write(opts.dump(cfg).map((l) => `${l}\n`).join(''));
      process.exitCode = 0;
      return null;
    }
    const pidFile = cfg.get(opts.pidFileVar);
    const other = readPid(pidFile);
    if (other && other !== process.pid && processAlive(other)) {
      process.stderr.write(`[*] ${prog} is already running as pid: ${other}\n`);
      process.exitCode = 1;
      return null;
    }
    fs.mkdirSync(path.dirname(pidFile), { recursive: true, mode: 0o700 });
    opts.prepare(cfg);
    if (!args.noDaemon && !isDaemonChild()) {
      const code = await daemonize(pidFile);
      if (code !== 0) process.stderr.write(`[*] ${prog}: the background process did not start (exit status ${code}); see the system log\n`);
      process.exitCode = code;
      return null;
    }
  } catch (e) {
    process.stderr.write(`[*] ${errorText(e)}\n`);
    process.exitCode = e instanceof PsadError ? e.exitCode : 1;
    return null;
  }
  if (isDaemonChild()) {
    try {
      process.chdir('/');
    } catch {
      /* stay */
    }
  }
  return { cfg, args };
}

// ---------------------------------------------------------------------------
// kmsgsd

function loadKmsgsdConfig(a: DaemonArgs): PsadConfig {
  return loadConfig({ configFile: a.configFile, overrideFiles: a.overrides });
}

function kmsgsdDump(cfg: PsadConfig): string[] {
  const out: string[] = [];
  for (const n of ['INSTALL_ROOT', 'PSAD_DIR', 'PSAD_RUN_DIR', 'PSAD_FIFO_DIR', 'PSAD_FIFO_FILE', 'FW_DATA_FILE', 'KMSGSD_PID_FILE', 'SNORT_SID_STR', 'FW_SEARCH_ALL']) {
    out.push(`${n} ${cfg.opt(n, '')}`);
  }
  if (cfg.get('FW_SEARCH_ALL') === 'N') for (const s of cfg.fwSearch) out.push(`FW_MSG_SEARCH ${s}`);
  const so = syslogOptions(cfg, 'kmsgsd');
  out.push(`SYSLOG_FACILITY ${cfg.opt('SYSLOG_FACILITY', 'LOG_LOCAL7')}`);
  out.push(`SYSLOG_PRIORITY ${cfg.opt('SYSLOG_PRIORITY', 'LOG_INFO')}`);
  out.push(`SYSLOG_SOCKET ${so.socket}`);
  return out;
}

class Kmsgsd {
  private filter: CompiledFilter;
  private readonly syslog: Syslog;
  private readonly fifo: FifoSource;
  private dataPath: string;
  private dataFd = -1;
  private dataIno = 0;
  private dataDev = 0;
  private lastInodeCheck = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushQueued = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** a write/open problem has been logged and not yet cleared */
  private failing = false;
  private dropped = 0;
  private stopping = false;

  constructor(private cfg: PsadConfig, private readonly args: DaemonArgs, private readonly pidFile: string) {
    this.filter = compileFilter(filterSpecFromConfig(cfg));
    this.syslog = new Syslog(syslogOptions(cfg, 'kmsgsd'));
    this.fifo = new FifoSource(cfg.get('PSAD_FIFO_FILE'), { log: (m) => this.log(m), wake: () => this.onLines() });
    this.dataPath = cfg.get('FW_DATA_FILE');
  }

  start(): void {
    this.fifo.open();
    if (!this.openData()) throw new PsadError(`Could not open ${this.dataPath} for writing.`);
    this.enlargeFifo();
    writePidFile(this.pidFile);
    process.on('SIGHUP', () => this.hup());
    process.on('SIGTERM', () => void this.stop('SIGTERM'));
    process.on('SIGINT', () => void this.stop('SIGINT'));
  }

  /** kmsgsd's own diagnostics (text/daemon-log.ts), written to syslog as plain lines. */
  private readonly logger = daemonLogger('kmsgsd', (r) => this.syslog.log(r.msg));

  private log(msg: string): void {
    this.logger.info(msg);
  }

  /**
   * A FIFO buffer as large as the system allows (1 MiB): a syslog daemon
   * writing with rsyslog's `|FIFO` action (ompipe) drops every line that
   * finds the buffer full and then suspends the action; its start-up replay
   * of the kernel log fills the default 64 KiB before any reader gets to
   * run. The buffer lasts while kmsgsd (or the syslog daemon) keeps the
   * FIFO open, so it is set again whenever kmsgsd opens a FIFO.
   */
  private enlargeFifo(): void {
    const fifo = this.fifo.path;
    const r = enlargePipe(fifo);
    if ('error' in r) {
      this.log(`could not enlarge the buffer of ${fifo} (${r.error}); a syslog daemon writing it with "|${fifo}" may drop lines in bursts`);
    } else if (r.size !== this.fifoBufferSize) {
      this.fifoBufferSize = r.size;
      this.log(`reading ${fifo} (buffer ${r.size} bytes), writing ${this.dataPath}`);
    }
  }

  private fifoBufferSize = 0;

  /** The lines read from the FIFO: those that pass the filter go to the data file. */
  private onLines(): void {
    const read: Buffer[] = [];
    this.fifo.read(read);
    const lines = read.filter((l) => lineMatches(l, this.filter));
    if (lines.length) {
      this.enqueue(lines);
      this.queueFlush();
    }
  }

  // --- the data file

  private enqueue(lines: Buffer[]): void {
    // while the data file cannot be written, keep copies: a line must not hold its whole read buffer
    const copy = this.failing || this.retryTimer !== null;
    for (const l of lines) {
      if (this.pendingBytes + l.length > MAX_PENDING) {
        this.dropped++;
        continue;
      }
      this.pending.push(copy ? Buffer.from(l) : l);
      this.pendingBytes += l.length;
    }
  }

  private queueFlush(): void {
    if (this.flushQueued || this.retryTimer) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private openData(): boolean {
    try {
      fs.mkdirSync(path.dirname(this.dataPath), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(this.dataPath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
      const st = fs.fstatSync(fd);
      this.dataFd = fd;
      this.dataIno = st.ino;
      this.dataDev = st.dev;
      this.lastInodeCheck = Date.now();
      return true;
    } catch (e) {
      this.problem(`could not open ${this.dataPath} for writing: ${errorText(e)}`);
      return false;
    }
  }

  private closeData(): void {
    if (this.dataFd < 0) return;
    try {
      fs.closeSync(this.dataFd);
    } catch {
      /* nothing to do */
    }
    this.dataFd = -1;
  }

  /** Reopens the data file when it was removed or replaced (checked at most once a second). */
  private checkData(force = false): void {
    if (this.dataFd < 0) return;
    const now = Date.now();
    if (!force && now - this.lastInodeCheck < 1000) return;
    this.lastInodeCheck = now;
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(this.dataPath);
    } catch {
      st = null;
    }
    if (!st || st.ino !== this.dataIno || st.dev !== this.dataDev) this.closeData();
  }

  private problem(msg: string): void {
    if (!this.failing) this.log(msg);
    this.failing = true;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopping) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, 1000);
  }

  /** Writes the pending lines; on a problem keeps them and retries in a second. Returns true when all are written. */
  private flush(): boolean {
    if (this.pending.length === 0) return true;
    this.checkData();
    if (this.dataFd < 0 && !this.openData()) {
      this.scheduleRetry();
      return false;
    }
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(this.dataFd, buf, off, buf.length - off);
    } catch (e) {
      const rest = buf.subarray(off);
      this.pending = [rest];
      this.pendingBytes = rest.length;
      this.problem(`could not write to ${this.dataPath}: ${errorText(e)}; keeping the lines and retrying`);
      this.closeData();
      this.scheduleRetry();
      return false;
    }
    this.pending = [];
    this.pendingBytes = 0;
    if (this.failing || this.dropped) {
      const lost = this.dropped ? ` (${this.dropped} line(s) were dropped while it was not writable)` : '';
      this.log(`writing to ${this.dataPath} again${lost}`);
      this.failing = false;
      this.dropped = 0;
    }
    return true;
  }

  // --- signals

  private hup(): void {
    if (this.stopping) return;
    let next: PsadConfig | null = null;
    try {
      next = loadKmsgsdConfig(this.args);
    } catch (e) {
      this.log(`could not re-read ${this.args.configFile}: ${errorText(e)}; keeping the previous configuration`);
    }
    // lines read so far go out under the old settings, to the old file
    this.flush();
    if (next) {
      this.cfg = next;
      this.filter = compileFilter(filterSpecFromConfig(next));
      this.syslog.reconfigure(syslogOptions(next, 'kmsgsd'));
      this.dataPath = next.get('FW_DATA_FILE');
    }
    this.closeData();
    this.failing = false;
    if (!this.openData()) this.scheduleRetry();
    if (this.fifo.switchTo(next ? next.get('PSAD_FIFO_FILE') : this.fifo.path)) this.enlargeFifo();
    this.log('received HUP signal');
    this.queueFlush();
  }

  async stop(sig: string): Promise<void> {
    if (this.stopping) return;
    this.fifo.drain();
    this.stopping = true;
    const last = finishCarry(this.fifo.carry, this.filter);
    if (last) this.enqueue([last]);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.flush()) {
      // one more attempt on a freshly opened file
      this.closeData();
      if (!this.flush()) this.log(`exiting on ${sig} with ${this.pendingBytes} bytes of lines not written to ${this.dataPath}`);
    }
    this.closeData();
    this.fifo.close();
    removeOwnPidFile(this.pidFile);
    await Promise.race([this.syslog.flush(), new Promise((r) => setTimeout(r, 1000))]);
    process.exit(0);
  }

  fatal(e: unknown): void {
    this.log(`exiting on an internal error: ${errorText(e)}`);
    removeOwnPidFile(this.pidFile);
    void Promise.race([this.syslog.flush(), new Promise((r) => setTimeout(r, 500))]).then(() => process.exit(70));
  }
}

export async function main(argv: string[]): Promise<void> {
  const started = await daemonStart('kmsgsd', 'copies firewall messages from the psad FIFO to FW_DATA_FILE', argv, {
    load: loadKmsgsdConfig,
    pidFileVar: 'KMSGSD_PID_FILE',
    dump: kmsgsdDump,
    prepare: (cfg) => {
      // errors reach the terminal before the process goes to the background; the FIFO is not
      // opened here: a reader that comes and goes would make a waiting syslog writer fail (EPIPE)
      const fifo = cfg.get('PSAD_FIFO_FILE');
      ensureFifo(fifo);
      try {
        fs.accessSync(fifo, fs.constants.R_OK | fs.constants.W_OK);
      } catch (e) {
        throw new PsadError(`Could not open ${fifo} for reading: ${errorText(e)}`);
      }
    },
  });
  if (!started) return;
  const { cfg, args } = started;
  const pidFile = cfg.get('KMSGSD_PID_FILE');
  const d = new Kmsgsd(cfg, args, pidFile);
  try {
    d.start();
  } catch (e) {
    process.stderr.write(`[*] ${errorText(e)}\n`);
    new Syslog(syslogOptions(cfg, 'kmsgsd')).log(`could not start: ${errorText(e)}`);
    removeOwnPidFile(pidFile);
    process.exitCode = e instanceof PsadError ? e.exitCode : 1;
    setTimeout(() => process.exit(), 200);
    return;
  }
  process.on('uncaughtException', (e) => d.fatal(e));
}

export function run(): void {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`[*] kmsgsd: internal error: ${errorText(e)}\n`);
    process.exit(70);
  });
}
