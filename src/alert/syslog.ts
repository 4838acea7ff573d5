import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';

const FACILITIES: Record<string, string> = {
  LOG_LOCAL0: 'local0', LOG_LOCAL1: 'local1', LOG_LOCAL2: 'local2', LOG_LOCAL3: 'local3',
  LOG_LOCAL4: 'local4', LOG_LOCAL5: 'local5', LOG_LOCAL6: 'local6', LOG_LOCAL7: 'local7',
};
const PRIORITIES: Record<string, string> = {
  LOG_INFO: 'info', LOG_DEBUG: 'debug', LOG_NOTICE: 'notice', LOG_WARNING: 'warning', LOG_ERR: 'err',
  LOG_CRIT: 'crit', LOG_ALERT: 'alert', LOG_EMERG: 'emerg',
};

/**
 * SYSLOG_FACILITY / SYSLOG_PRIORITY as psad reads them: a LOG_* name
 * anywhere in the value, facilities tried from LOG_LOCAL7 down to LOG_LOCAL0
 * and priorities in psad's order (LOG_INFO first).
 */
export function syslogPriority(facility: string, priority: string): string {
  const f = Object.keys(FACILITIES).reverse().find((k) => facility.toUpperCase().includes(k)) ?? 'LOG_LOCAL7';
  const p = Object.keys(PRIORITIES).find((k) => priority.toUpperCase().includes(k)) ?? 'LOG_INFO';
  return `${FACILITIES[f]}.${PRIORITIES[p]}`;
}

export interface SyslogOptions {
  ident: string;
  /** "local7.info" */
  priority: string;
  /** the syslog socket (SYSLOG_SOCKET, /dev/log by default) */
  socket: string;
  enabled: boolean;
}

/**
 * Messages to the system logger. One long-lived logger(1) process reads
 * them from its stdin and sends each line as a message to the socket; a
 * message never passes through a shell, and line breaks inside a message are
 * turned into spaces so that one message stays one syslog line.
 */
export class Syslog {
  private child: ChildProcess | null = null;
  private broken = false;

  constructor(private opts: SyslogOptions) {}

  reconfigure(opts: SyslogOptions): void {
    if (opts.socket !== this.opts.socket || opts.ident !== this.opts.ident || opts.priority !== this.opts.priority) this.close();
    this.opts = opts;
    this.broken = false;
  }

  private start(): ChildProcess | null {
    if (this.child || this.broken) return this.child;
    if (!fs.existsSync(this.opts.socket)) return null;
    const c = spawn('logger', ['--socket', this.opts.socket, '--socket-errors=off', '--size', '8192', '-t', this.opts.ident, '-p', this.opts.priority], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    c.on('error', () => { this.broken = true; this.child = null; });
    c.on('exit', () => { this.child = null; });
    c.stdin!.on('error', () => undefined);
    c.unref();
    (c.stdin as unknown as { unref?: () => void }).unref?.();
    this.child = c;
    return c;
  }

  log(msg: string): void {
    if (!this.opts.enabled) return;
    const c = this.start();
    if (!c || !c.stdin || c.stdin.destroyed) return;
    // one message is one line; other control characters are left to the logger (rsyslog shows them as #NNN)
    c.stdin.write(`${msg.replace(/[\r\n]+/g, ' ').replace(/\0/g, ' ')}\n`);
  }

  /** Waits until the messages written so far are handed to logger. */
  flush(): Promise<void> {
    const c = this.child;
    if (!c || !c.stdin || c.stdin.destroyed) return Promise.resolve();
    return new Promise((r) => c.stdin!.write('', () => r()));
  }

  close(): void {
    if (this.child && this.child.stdin) this.child.stdin.end();
    this.child = null;
  }
}
