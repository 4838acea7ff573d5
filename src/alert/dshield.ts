import * as fs from 'fs';
import { OutMessage } from './mailer';

/** The DShield settings of psad.conf. */
export interface DShieldOptions {
  /** DSHIELD_USER_ID */
  userId: string;
  /** DSHIELD_ALERT_EMAIL */
  alertEmail: string;
  /** DSHIELD_USER_EMAIL ("NONE": reports go out like alerts, with psad's sender) */
  userEmail: string;
  /** DSHIELD_DL_THRESHOLD */
  dlThreshold: number;
  /** DSHIELD_ALERT_INTERVAL in hours */
  intervalHours: number;
  /** CHECK_INTERVAL in seconds */
  checkInterval: number;
  /** DSHIELD_EMAIL_FILE */
  emailFile: string;
  /** DSHIELD_COUNTER_FILE */
  counterFile: string;
  /** the psad version (2.4.6; reported as 2.4) */
  version: string;
  send: (m: OutMessage) => void;
  log: (msg: string) => void;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Date::Calc's Decode_Month: a month name or an unambiguous prefix of one, 1-12 (0: none). */
export function decodeMonth(s: string): number {
  const l = s.toLowerCase();
  if (!l) return 0;
  const hits = MONTHS.map((m, i) => (m.startsWith(l) ? i + 1 : 0)).filter((i) => i);
  return hits.length === 1 ? hits[0] : 0;
}

/** psad's DShield time zone: the local UTC offset's whole hours as `%.2d` + ":00" ("00:00", "-05:00", "05:00"). */
export function dshieldTimezone(d: Date): string {
  const h = Math.trunc(-d.getTimezoneOffset() / 60);
  return `${h < 0 ? '-' : ''}${String(Math.abs(h)).padStart(2, '0')}:00`;
}

/**
 * One DShield line for a packet: `<year>-<month>-<DD> <time> <tz>\t<user id>\t1\t<fields>`
 * with the month unpadded as psad 2.4.6 writes it (Q24). null when the log
 * timestamp is not `Mon DD HH:MM:SS`.
 */
export function dshieldLine(timestamp: string, fields: string, userId: string, year: number, tz: string): string | null {
  const m = /^\s*(\w+)\s+(\d+)\s+(\S+)/.exec(timestamp);
  if (!m) return null;
  const month = decodeMonth(m[1]);
  const day = String(Number(m[2])).padStart(2, '0');
  return `${year}-${month || ''}-${day} ${m[3]} ${tz}\t${userId}\t1\t${fields}\n`;
}

const IPV4 = /(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/;

/**
 * DShield reports (interface.md §11): every packet psad counts adds a line;
 * after a check interval the lines are mailed to DSHIELD_ALERT_EMAIL when
 * DSHIELD_ALERT_INTERVAL hours passed since the last report (or more than
 * 10,001 lines wait and 2 hours passed), saved to DSHIELD_EMAIL_FILE, and
 * the counters in DSHIELD_COUNTER_FILE updated.
 */
export class DShield {
  lines: string[] = [];
  lastSent: number;
  emails = 0;
  packets = 0;
  private tz = '00:00';
  private year = 1970;

  constructor(private o: DShieldOptions, now: number) {
    this.lastSent = now;
  }

  reconfigure(o: DShieldOptions): void {
    this.o = o;
  }

  private get interval(): number {
    let s = 3600 * this.o.intervalHours;
    if (this.o.intervalHours === 24) s -= 1 + this.o.checkInterval;
    return s;
  }

  /** Called at the start of each batch (psad computes the zone and year there). */
  startBatch(now: Date): void {
    this.tz = dshieldTimezone(now);
    this.year = now.getFullYear();
  }

  add(timestamp: string, fields: string): void {
    if (!fields) return;
    const l = dshieldLine(timestamp, fields, this.o.userId, this.year, this.tz);
    if (l) this.lines.push(l);
  }

  /** Sends the report when it is due; `dlOf` gives a source's danger level. */
  maybeSend(now: number, dlOf: (ip: string) => number | undefined): boolean {
    const n = this.lines.length;
    const due = (n > 0 && now - this.lastSent >= this.interval) || (n - 1 > 10000 && now - this.lastSent >= 7200);
    if (!due) return false;
    const version = this.o.version.replace(/^(\d+\.\d+)\.\d+/, '$1').replace(/-pre\d+/, '');
    const subject = `FORMAT DSHIELD USERID ${this.o.userId} TZ ${this.tz} psad Version ${version}`;
    let lines = this.lines;
    if (this.o.dlThreshold > 0) {
      lines = lines.filter((l) => {
        const m = IPV4.exec(l);
        if (!m) return false;
        const dl = dlOf(m[0]);
        return dl !== undefined && dl >= this.o.dlThreshold;
      });
    }
    const body = lines.join('');
    const user = this.o.userEmail !== 'NONE';
    this.o.send({ to: [this.o.alertEmail], subject, body, from: user ? this.o.userEmail : undefined });
    try {
      const head = user ? `From: ${this.o.userEmail}\nTo: ${this.o.alertEmail}\nSubject: ${subject}\n` : '';
      fs.writeFileSync(this.o.emailFile, Buffer.from(head + body, 'latin1'), { mode: 0o600 });
    } catch (e) {
      this.o.log(`could not write ${this.o.emailFile}: ${(e as Error).message}`);
    }
    // psad 2.4.6 counts one line less than it sends (Q24)
    this.o.log(`sent ${n - 1} lines of log data to ${this.o.alertEmail}`);
    this.lastSent = now;
    this.emails++;
    this.packets += n - 1;
    this.lines = [];
    this.writeCounters();
    return true;
  }

  writeCounters(): void {
    try {
      fs.writeFileSync(this.o.counterFile, `total emails: ${this.emails}\ntotal packets: ${this.packets}\n`, { mode: 0o600 });
    } catch (e) {
      this.o.log(`could not write ${this.o.counterFile}: ${(e as Error).message}`);
    }
  }
}
