import * as os from 'os';
import type Mail from 'nodemailer/lib/mailer';
import { PsadConfig } from '../config/config';

/**
 * How mail leaves this host. psad 2.4.6 runs `mail -s "<subject>" <addrs>`
 * through a shell; psad-node composes the message itself (nodemailer) and
 * hands it to the sendmail binary (sendmailCmd) with an argument list, or,
 * when SMTP_HOST names a server, delivers it over SMTP.
 */
export type MailTransportConfig =
  | { kind: 'sendmail'; path: string }
  | { kind: 'smtp'; host: string; port: number; startTls: boolean; user: string; password: string };

const none = (v: string) => v === '' || v.toUpperCase() === 'NONE';

/** The transport that psad.conf asks for (SMTP_* variables, else sendmailCmd). */
export function mailTransportConfig(cfg: PsadConfig): MailTransportConfig {
  const host = cfg.opt('SMTP_HOST', 'NONE');
  if (!none(host)) {
    const user = cfg.opt('SMTP_USER', 'NONE');
    const pass = cfg.opt('SMTP_PASSWORD', 'NONE');
    return {
      kind: 'smtp',
      host,
      port: cfg.num('SMTP_PORT', '25') || 25,
      startTls: cfg.opt('SMTP_STARTTLS', 'Y') !== 'N',
      user: none(user) ? '' : user,
      password: none(pass) ? '' : pass,
    };
  }
  return { kind: 'sendmail', path: cfg.cmd('sendmail') ?? '/usr/sbin/sendmail' };
}

/** A live child of the sendmail transport, so that a hung sendmail can be killed. */
export interface SpawnTracker {
  current: import('child_process').ChildProcess | null;
}

/**
 * A nodemailer transport for `t`. Messages never read files or URLs
 * (disableFileAccess/disableUrlAccess): an alert body is text only.
 */
export function createMailTransport(t: MailTransportConfig, tracker?: SpawnTracker, timeoutMs = 60000): Mail {
  // loaded when a mail is sent, not by every psad command (about 60 ms of start-up)
  const nodemailer = require('nodemailer') as typeof import('nodemailer');
  if (t.kind === 'smtp') {
    return nodemailer.createTransport({
      host: t.host,
      port: t.port,
      // port 465 speaks TLS from the first byte; others STARTTLS (required unless SMTP_STARTTLS is N)
      secure: t.port === 465,
      requireTLS: t.port !== 465 && t.startTls,
      ignoreTLS: t.port !== 465 && !t.startTls,
      auth: t.user ? { user: t.user, pass: t.password } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      name: os.hostname(),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }
  const tr = nodemailer.createTransport({
    sendmail: true,
    path: t.path,
    newline: 'unix',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  if (tracker) {
    // nodemailer spawns sendmail with an argument list (no shell); keep the child to kill a hung one
    const inner = (tr as unknown as { transporter: { _spawn?: (...a: unknown[]) => import('child_process').ChildProcess } }).transporter;
    const orig = inner._spawn;
    if (typeof orig === 'function') {
      inner._spawn = (...a: unknown[]) => {
        const c = orig(...a);
        tracker.current = c;
        return c;
      };
    }
  }
  return tr;
}
