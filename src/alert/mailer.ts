import * as fs from 'fs';
import { spawn, ChildProcess } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { isUtf8 } from 'buffer';
import type Mail from 'nodemailer/lib/mailer';
import type MailComposerType from 'nodemailer/lib/mail-composer';
import { MailTransportConfig, SpawnTracker, createMailTransport, mailTransportConfig } from './mail-transport';
import { PsadConfig } from '../config/config';

export interface MailerOptions {
  /** psad 2.4.6's mail(1) path (mailCmd); kept for callers, mail now goes through `transport` */
  mailCmd?: string;
  /** EMAIL_ADDRESSES */
  addresses: string;
  /** EMAIL_APPEND_HEADER ("NONE" for none), e.g. `From:psad@example.com` or mailx's `-a From:psad@example.com` */
  appendHeader: string;
  enabled: boolean;
  /** where failures are reported (syslog in the daemon, stderr in -A) */
  onError: (msg: string) => void;
  /**
   * sendmail binary or SMTP server (see mailerOptions). Without one, the
   * mail command (mailCmd) is run as `mailCmd [EMAIL_APPEND_HEADER words]
   * -s <subject> <addresses>` with the body on stdin (argument list, no
   * shell), as psad 2.4.6 does for the programs that still call it so.
   */
  transport?: MailTransportConfig;
  /** envelope and From: address when EMAIL_APPEND_HEADER sets none (default <user>@<hostname>) */
  from?: string;
  /** where a mail that could not be delivered is saved (RFC 822 file); none: only logged */
  spoolDir?: string;
  /**
   * where every mail is written when it is handed over and removed once
   * delivered (or spooled): what a psad killed meanwhile left there is sent
   * by the next one (recover()); none: mail lives in memory only
   */
  outbox?: string;
  /** waits before the retries of a failed mail (default 10 s, 1 min, 5 min, 15 min, 1 h) */
  retryDelaysMs?: number[];
  /** one delivery attempt may take this long (default 60 s) */
  timeoutMs?: number;
  /** mails waiting at most (default 1000); more are saved to spoolDir at once */
  maxQueue?: number;
}

/** Addresses as psad passes them: split on blanks (a "a,b" word stays one argument, Q10). */
export function addressArgs(addresses: string): string[] {
  return addresses.split(/\s+/).filter((a) => a.length);
}

/** One header line given in EMAIL_APPEND_HEADER. */
export interface ExtraHeader {
  name: string;
  value: string;
}

const CTRL = /[\x00-\x1f\x7f]+/g;

/**
 * EMAIL_APPEND_HEADER as headers: psad 2.4.6 inserts the value unquoted into
 * the mail(1) command line (`-a From:x@y` for mailx, or `From:x@y` as its
 * own psad.conf example shows). Both forms give header `Name: value` here;
 * anything that is not `Name:value` is ignored.
 */
export function parseAppendHeader(v: string): ExtraHeader[] {
  if (!v || v === 'NONE') return [];
  const out: ExtraHeader[] = [];
  for (let part of v.split(/(?:^|\s+)-a\s+/)) {
    part = part.trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/.exec(part);
    if (!m) continue;
    const value = m[2].replace(CTRL, ' ').trim();
    if (value) out.push({ name: m[1], value });
  }
  return out;
}

/** Text kept by psad as bytes (latin1 string) as Unicode: UTF-8 when the bytes are UTF-8, else Latin-1. */
export function decodeText(s: string): string {
  if (!/[\x80-\xff]/.test(s)) return s;
  const b = Buffer.from(s, 'latin1');
  return isUtf8(b) ? b.toString('utf8') : s;
}

/** A subject is one line: control characters (CR, LF, ...) could start new headers. */
export function cleanSubject(s: string): string {
  return decodeText(s).replace(CTRL, ' ');
}

export function defaultFrom(): string {
  let user = 'root';
  try {
    user = os.userInfo().username || user;
  } catch {
    /* no passwd entry */
  }
  return `${user}@${os.hostname()}`;
}

/** A message to send; `to` as psad's address words. */
export interface OutMessage {
  to: string[];
  subject: string;
  body: string;
  from?: string;
  headers?: ExtraHeader[];
}

/** The nodemailer message of a psad mail (subject and body as psad renders them). */
export function composeMessage(m: OutMessage, dfltFrom: string): Mail.Options {
  const to = m.to.filter((a) => !a.startsWith('-'));
  let from = m.from ?? dfltFrom;
  const headers: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const h of m.headers ?? []) {
    const k = h.name.toLowerCase();
    if (k === 'from') from = h.value;
    else if (k === 'reply-to') fields.replyTo = h.value;
    else if (k === 'cc') fields.cc = h.value;
    else if (k === 'bcc') fields.bcc = h.value;
    else if (['to', 'subject', 'date', 'message-id', 'mime-version', 'sender'].includes(k) || k.startsWith('content-')) continue;
    else headers[h.name] = h.value;
  }
  return {
    from,
    to: to.join(', '),
    ...fields,
    subject: cleanSubject(m.subject),
    text: decodeText(m.body),
    headers,
  };
}

/** The RFC 822 text of a message (for the spool and for tests). */
export function buildRaw(msg: Mail.Options): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // loaded when a mail is composed (see mail-transport.ts)
    const MailComposer = require('nodemailer/lib/mail-composer') as typeof MailComposerType;
    new MailComposer({ ...msg, disableFileAccess: true, disableUrlAccess: true } as Mail.Options).compile().build((err, b) => (err ? reject(err) : resolve(b)));
  });
}

interface Job {
  msg: Mail.Options;
  /** mail(1) arguments and body (no transport) */
  legacy?: { args: string[]; body: string };
  subject: string;
  attempts: number;
  nextAt: number;
  lastError: string;
  /** this mail's file in the outbox */
  outboxFile?: string;
}

const DEFAULT_RETRIES = [10000, 60000, 300000, 900000, 3600000];

/**
 * Alert mail. Each mail is composed here and handed to the sendmail binary
 * (argument list, no shell) or an SMTP server, one at a time in the order
 * given. send() returns at once: detection never waits for mail. A mail that
 * fails is logged and retried; one that still fails, or that is waiting when
 * psad stops, is saved to spoolDir and logged, never dropped silently.
 */
export class Mailer {
  private queue: Job[] = [];
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  private transport: Mail | null = null;
  private readonly tracker: SpawnTracker = { current: null };
  private spoolSeq = 0;
  /** mails delivered (handed to sendmail or accepted by the SMTP server) */
  delivered = 0;
  /** mails saved to the spool after failing */
  spooled = 0;

  constructor(private o: MailerOptions) {}

  reconfigure(o: MailerOptions): void {
    const changed = JSON.stringify(o.transport) !== JSON.stringify(this.o.transport);
    this.o = o;
    if (changed && this.transport && !this.busy) {
      this.transport.close();
      this.transport = null;
    }
  }

  /** Queues an alert mail to EMAIL_ADDRESSES (nothing when mail is disabled). */
  send(subject: string, body: string): void {
    if (!this.o.enabled) return;
    if (!this.o.transport) {
      const args: string[] = [];
      if (this.o.appendHeader && this.o.appendHeader !== 'NONE') args.push(...this.o.appendHeader.split(/\s+/).filter((x) => x));
      args.push('-s', subject.replace(CTRL, ' '), ...addressArgs(this.o.addresses).filter((a) => !a.startsWith('-')));
      const msg = composeMessage({ to: addressArgs(this.o.addresses), subject, body }, this.o.from ?? defaultFrom());
      this.enqueue({ msg, legacy: { args, body }, subject: String(msg.subject), attempts: 0, nextAt: 0, lastError: '' });
      return;
    }
    this.sendMessage({ to: addressArgs(this.o.addresses), subject, body, headers: parseAppendHeader(this.o.appendHeader) });
  }

  /** Queues any message; `force` sends even when alert mail is disabled (DShield reports). */
  sendMessage(m: OutMessage, force = false): void {
    if (!this.o.enabled && !force) return;
    const msg = composeMessage(m, this.o.from ?? defaultFrom());
    this.enqueue({ msg, subject: String(msg.subject), attempts: 0, nextAt: 0, lastError: '' });
  }

  private outboxSeq = 0;

  /** Writes a new mail to the outbox (before it is sent, so that a crash does not lose it). */
  private toOutbox(job: Job): void {
    const dir = this.o.outbox;
    if (!dir || job.outboxFile) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${Date.now()}-${process.pid}-${String(++this.outboxSeq).padStart(6, '0')}.json`);
      const m = job.msg;
      const saved = { msg: { from: m.from, to: m.to, cc: m.cc, bcc: m.bcc, replyTo: m.replyTo, subject: m.subject, text: m.text, headers: m.headers }, legacy: job.legacy, subject: job.subject };
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
      fs.renameSync(`${file}.tmp`, file);
      job.outboxFile = file;
    } catch (e) {
      this.o.onError(`could not write mail "${job.subject}" to ${dir}: ${(e as Error).message}`);
    }
  }

  private doneWith(job: Job): void {
    if (!job.outboxFile) return;
    try {
      fs.unlinkSync(job.outboxFile);
    } catch {
      /* already gone */
    }
    job.outboxFile = undefined;
  }

  /**
   * Sends the mails a previous psad left in the outbox (it was killed before
   * delivering them), oldest first. Returns how many.
   */
  recover(): number {
    const dir = this.o.outbox;
    if (!dir) return 0;
    let names: string[];
    try {
      // <epoch ms>-<pid>-<seq>: in name order, oldest first
      names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      return 0;
    }
    let n = 0;
    for (const f of names) {
      const file = path.join(dir, f);
      try {
        const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { msg: Mail.Options; legacy?: Job['legacy']; subject: string };
        this.enqueue({ msg: saved.msg, legacy: saved.legacy, subject: saved.subject, attempts: 0, nextAt: 0, lastError: '', outboxFile: file });
        n++;
      } catch (e) {
        this.o.onError(`could not read the unsent mail ${file}: ${(e as Error).message}`);
      }
    }
    return n;
  }

  private enqueue(job: Job): void {
    this.toOutbox(job);
    if (!job.msg.to) {
      job.lastError = 'no valid recipient address';
      void this.spool(job);
      return;
    }
    if (this.queue.length >= (this.o.maxQueue ?? 1000)) {
      job.lastError = 'too many mails waiting';
      void this.spool(job);
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  /** Mails not yet delivered (waiting, being sent or waiting for a retry). */
  get pending(): number {
    return this.queue.length + (this.busy ? 1 : 0) + this.spooling;
  }

  private getTransport(): Mail {
    if (!this.transport) {
      this.transport = createMailTransport(this.o.transport ?? { kind: 'sendmail', path: '/usr/sbin/sendmail' }, this.tracker, this.o.timeoutMs ?? 60000);
    }
    return this.transport;
  }

  private pump(): void {
    if (this.busy) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = Date.now();
    const i = this.queue.findIndex((j) => j.nextAt <= now);
    if (i < 0) {
      if (this.queue.length) {
        const next = Math.min(...this.queue.map((j) => j.nextAt));
        this.timer = setTimeout(() => this.pump(), Math.max(10, next - now));
        this.timer.unref();
      }
      return;
    }
    const job = this.queue.splice(i, 1)[0];
    this.busy = true;
    this.attempt(job).then((err) => {
      this.busy = false;
      if (err) this.failed(job, err);
      else {
        this.delivered++;
        this.doneWith(job);
      }
      this.pump();
    });
  }

  private attemptMailCmd(job: Job, timeoutMs: number): Promise<string> {
    const cmd = this.o.mailCmd ?? '/usr/bin/mail';
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(cmd, job.legacy!.args, { stdio: ['pipe', 'ignore', 'ignore'] });
      } catch (e) {
        resolve(`could not run ${cmd}: ${(e as Error).message}`);
        return;
      }
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (e) => { clearTimeout(t); resolve(`could not run ${cmd}: ${e.message}`); });
      child.on('close', (code, sig) => {
        clearTimeout(t);
        resolve(code === 0 ? '' : `${cmd} exited with ${code ?? sig}`);
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(Buffer.from(job.legacy!.body, 'latin1'));
    });
  }

  private attempt(job: Job): Promise<string> {
    const timeoutMs = this.o.timeoutMs ?? 60000;
    if (job.legacy) return this.attemptMailCmd(job, timeoutMs);
    return new Promise((resolve) => {
      let done = false;
      const finish = (err: string) => {
        if (done) return;
        done = true;
        clearTimeout(t);
        this.tracker.current = null;
        resolve(err);
      };
      const t = setTimeout(() => {
        const c = this.tracker.current;
        if (c && c.exitCode === null) c.kill('SIGKILL');
        finish(`no answer within ${Math.round(timeoutMs / 1000)} s`);
      }, timeoutMs);
      try {
        this.getTransport().sendMail(job.msg, (err) => finish(err ? err.message.replace(CTRL, ' ') : ''));
      } catch (e) {
        finish((e as Error).message);
      }
    });
  }

  private failed(job: Job, err: string): void {
    job.attempts++;
    job.lastError = err;
    const delays = this.o.retryDelaysMs ?? DEFAULT_RETRIES;
    if (job.attempts > delays.length) {
      void this.spool(job);
      return;
    }
    const d = delays[job.attempts - 1];
    job.nextAt = Date.now() + d;
    this.queue.push(job);
    this.o.onError(`could not send mail "${job.subject}": ${err}; retry ${job.attempts} of ${delays.length} in ${Math.ceil(d / 1000)} s`);
  }

  private spooling = 0;

  private async spool(job: Job): Promise<void> {
    this.spooling++;
    try {
      await this.spoolNow(job);
    } finally {
      this.spooling--;
    }
  }

  private async spoolNow(job: Job): Promise<void> {
    this.spooled++;
    const why = job.lastError || 'not delivered';
    const dir = this.o.spoolDir;
    if (!dir) {
      this.doneWith(job);
      this.o.onError(`mail "${job.subject}" to ${job.msg.to} was not delivered (${why})`);
      return;
    }
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${Date.now()}-${process.pid}-${++this.spoolSeq}.eml`);
      fs.writeFileSync(file, await buildRaw(job.msg), { mode: 0o600 });
      this.doneWith(job);
      this.o.onError(`mail "${job.subject}" to ${job.msg.to} was not delivered (${why}); saved as ${file}`);
    } catch (e) {
      this.o.onError(`mail "${job.subject}" to ${job.msg.to} was not delivered (${why}) and could not be saved in ${dir}: ${(e as Error).message}`);
    }
  }

  /**
   * Resolves when every mail handed over so far has been delivered, or after
   * timeoutMs; then what is still waiting (e.g. for a retry) is saved to the
   * spool and logged, so call it before the process exits.
   */
  async idle(timeoutMs = 30000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (this.queue.length) {
      const left = this.queue.splice(0);
      for (const j of left) {
        if (!j.lastError) j.lastError = 'psad stopped before it was sent';
        await this.spool(j);
      }
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}

/**
 * The Mailer settings of a psad.conf: EMAIL_ADDRESSES, EMAIL_APPEND_HEADER,
 * and the transport (sendmailCmd, or SMTP_HOST/SMTP_PORT/SMTP_STARTTLS/
 * SMTP_USER/SMTP_PASSWORD).
 */
export function mailerOptions(cfg: PsadConfig, o: {
  enabled: boolean; onError: (msg: string) => void; spoolDir?: string; retryDelaysMs?: number[]; outbox?: string;
}): MailerOptions {
  return {
    mailCmd: cfg.cmd('mail') ?? '/usr/bin/mail',
    addresses: cfg.get('EMAIL_ADDRESSES'),
    appendHeader: cfg.opt('EMAIL_APPEND_HEADER', 'NONE'),
    enabled: o.enabled,
    onError: o.onError,
    transport: mailTransportConfig(cfg),
    spoolDir: o.spoolDir,
    retryDelaysMs: o.retryDelaysMs,
    outbox: o.outbox,
  };
}
