import type { Logger } from 'pino';

/** One diagnostic record of a daemon: its level, the component that wrote it, and its text. */
export interface LogRecord {
  level: string;
  component: string;
  msg: string;
}

export type DaemonLogger = Logger;

/**
 * The daemons' own diagnostic logs (psad, kmsgsd, psadwatchd: starting,
 * sources, signals, firewall commands, delivery problems): a pino logger per
 * daemon, a child per component. Records reach `write` synchronously and in
 * order; the daemon writes their text as the plain lines administrators
 * already read in syslog (and on stderr where it did before), with no JSON.
 * psad's scan alert syslog lines do not pass through here: they are psad's
 * output and written exactly as psad 2.4.6 writes them.
 */
export function daemonLogger(daemon: string, write: (r: LogRecord) => void): DaemonLogger {
  // loaded here, by the daemons only: the other modes do not pay its start-up time (about 30 ms)
  const pino = require('pino') as typeof import('pino');
  return pino(
    { base: { component: daemon }, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
    {
      write(json: string): void {
        let o: { level?: unknown; component?: unknown; msg?: unknown };
        try {
          o = JSON.parse(json) as typeof o;
        } catch {
          return;
        }
        write({ level: String(o.level), component: String(o.component), msg: typeof o.msg === 'string' ? o.msg : '' });
      },
    },
  );
}
