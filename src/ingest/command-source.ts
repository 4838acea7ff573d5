import { spawn, ChildProcess } from 'child_process';
import { LineSource } from './line-source';
import { LineSplitter } from './line-splitter';

/** What to run, asked again at every (re)start: a HUP may have changed it meanwhile. */
export interface CommandSettings {
  argv: string[];
  /** FW_MSG_READ_MIN_PKTS: wake the reader once this many lines wait (0: only when the output pauses) */
  minLines: number;
}

export interface CommandEvents {
  /** messages for syslog */
  log: (msg: string) => void;
  /** messages about a failure (syslog, and the terminal in the foreground) */
  problem: (msg: string) => void;
  /** lines are waiting: read them now rather than at the next interval */
  wake: () => void;
  /** the command runs with this pid (for PSAD_FW_READ_PID_FILE) */
  started: (pid: number) => void;
}

/** The pause in the output that ends the backlog a command prints first. */
const CATCH_UP_MS = 500;

/**
 * Lines from a command's output (FW_MSG_READ_CMD, e.g. journalctl -f -k),
 * restarted 1 s after it exits. The backlog it prints first is skipped, as
 * psad does: it ends after 0.5 s without output (also when the command
 * prints nothing at first: then its first lines are new ones). A line cut
 * off by the command's exit is dropped with it.
 */
export class CommandSource implements LineSource {
  private child: ChildProcess | null = null;
  private waiting: string[] = [];
  private catchUp = true;
  private closed = false;
  private readonly splitter = new LineSplitter();
  private _state: 'running' | 'restarting' = 'running';
  private detail = '';
  private _linesRead = 0;

  constructor(private readonly settings: () => CommandSettings, private readonly events: CommandEvents) {}

  get state(): 'running' | 'restarting' {
    return this._state;
  }

  /** the last error starting the command ('' when none) */
  get problem(): string {
    return this.detail;
  }

  get linesRead(): number {
    return this._linesRead;
  }

  start(): void {
    const { argv, minLines } = this.settings();
    this._state = 'running';
    this.detail = '';
    this.catchUp = true;
    this.splitter.clear();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    if (child.pid) this.events.started(child.pid);
    const idle = () => {
      if (this.catchUp) {
        this.catchUp = false;
        this.waiting = [];
      }
      this.events.wake();
    };
    let idleTimer = setTimeout(idle, CATCH_UP_MS);
    child.stdout!.on('data', (d: Buffer) => {
      this.splitter.push(d, (buf, start, end) => {
        this.waiting.push(buf.toString('latin1', start, end));
      });
      clearTimeout(idleTimer);
      idleTimer = setTimeout(idle, CATCH_UP_MS);
      if (!this.catchUp && minLines > 0 && this.waiting.length >= minLines) this.events.wake();
    });
    child.on('error', (e) => {
      this.detail = e.message;
      this.events.problem(`firewall logs read command '${argv.join(' ')}' failed: ${e.message}`);
    });
    child.on('exit', () => {
      clearTimeout(idleTimer);
      this.child = null;
      if (this.closed) return;
      this._state = 'restarting';
      this.events.log(`firewall logs read command '${argv.join(' ')}' is not running, restarting`);
      setTimeout(() => { if (!this.closed) this.start(); }, 1000);
    });
  }

  /** The lines printed since the last call (none while the backlog is skipped). */
  read(lines: string[]): void {
    if (this.catchUp) return;
    for (const l of this.waiting) lines.push(l);
    this._linesRead += this.waiting.length;
    this.waiting = [];
  }

  close(): void {
    this.closed = true;
    this.child?.kill('SIGTERM');
  }
}
