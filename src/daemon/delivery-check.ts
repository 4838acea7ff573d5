import * as fs from 'fs';
import { CompiledFilter, lineMatches } from './kmsgsd';
import { closeQuietly } from '../ingest/file-tail';

/**
 * Does what the kernel logs reach psad? psad reads its firewall lines at the
 * end of a chain (kernel -> syslog daemon -> FIFO -> kmsgsd -> FW_DATA_FILE,
 * or kernel -> syslog daemon -> IPT_SYSLOG_FILE, or journalctl); when a link
 * breaks, psad sees nothing and a quiet log looks like a quiet network. So
 * psad also reads the kernel's own log (/dev/kmsg, every reader has its own
 * position, nothing is taken from the syslog daemon) and counts the
 * firewall messages there (those kmsgsd's filter passes).
 *
 * The rule: when the kernel logged a firewall message and not one firewall
 * line reached psad's source within `graceSec` after it, the path is
 * stalled. A quiet host (no kernel firewall messages) never raises it; a
 * path that delivers anything at all clears it. Lines lost in part (a syslog
 * daemon dropping some of a burst) show as a difference between the two
 * counters in `psad -S`, not as an alarm.
 */
export class DeliveryCheck {
  kernelTotal = 0;
  deliveredTotal = 0;
  /** the oldest kernel message seen since the last delivery (0: none waiting) */
  private waitingSince = 0;
  private waiting = 0;
  stalledSince = 0;
  /** kernel messages counted while stalled */
  private stalledCount = 0;

  constructor(public graceSec: number) {}

  /** Firewall lines read from psad's source (call before kernel() in an interval). */
  delivered(n: number, now: number): 'resumed' | null {
    if (n <= 0) return null;
    this.deliveredTotal += n;
    this.waitingSince = 0;
    this.waiting = 0;
    if (this.stalledSince) {
      this.stalledSince = 0;
      return 'resumed';
    }
    return null;
  }

  /** Firewall messages the kernel logged since the last call. */
  kernel(n: number, now: number): void {
    if (n <= 0) return;
    this.kernelTotal += n;
    if (this.stalledSince) this.stalledCount += n;
    if (!this.waitingSince) this.waitingSince = now;
    this.waiting += n;
  }

  /** 'stalled' once when the oldest waiting kernel message is older than the grace time. */
  check(now: number): 'stalled' | null {
    if (this.stalledSince || !this.waitingSince || now - this.waitingSince < this.graceSec) return null;
    this.stalledSince = this.waitingSince;
    this.stalledCount = this.waiting;
    return 'stalled';
  }

  /** kernel messages that did not arrive during the current stall */
  get undelivered(): number {
    return this.stalledSince ? this.stalledCount : 0;
  }
}

const KMSG = '/dev/kmsg';
const EMPTY = new Set(['EAGAIN', 'EWOULDBLOCK']);

/**
 * The kernel log as /dev/kmsg gives it: one record per read
 * (`prio,seq,usec,flags;text\n` plus ` KEY=value` lines). Opened at its end
 * (what is already there is not counted); counts the firewall records.
 */
export class KernelLog {
  private fd = -1;
  /** why the kernel log cannot be read ('' when it can) */
  problem = '';
  private readonly buf = Buffer.allocUnsafe(16 << 10);

  constructor(private readonly filter: CompiledFilter, private readonly device = KMSG) {}

  open(): boolean {
    try {
      this.fd = fs.openSync(this.device, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      this.problem = `${this.device}: ${(e as Error).message}`;
      return false;
    }
    this.problem = '';
    this.count(false);
    return true;
  }

  get available(): boolean {
    return this.fd >= 0;
  }

  /** The firewall records logged since the last call. */
  poll(): number {
    return this.fd >= 0 ? this.count(true) : 0;
  }

  private count(keep: boolean): number {
    let n = 0;
    // bounded: a flood is counted over several intervals rather than stalling one
    for (let i = 0; i < 200000; i++) {
      let got: number;
      try {
        got = fs.readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (EMPTY.has(code)) break;
        if (code === 'EPIPE') continue; // records overwritten before they were read: go on with the next
        this.problem = `${this.device}: ${(e as Error).message}`;
        this.close();
        break;
      }
      if (got <= 0) break;
      if (!keep) continue;
      const rec = this.buf.subarray(0, got);
      const semi = rec.indexOf(0x3b);
      const nl = rec.indexOf(0x0a, semi + 1);
      const text = rec.subarray(semi + 1, nl < 0 ? got : nl);
      if (lineMatches(text, this.filter)) n++;
    }
    return n;
  }

  close(): void {
    closeQuietly(this.fd);
    this.fd = -1;
  }
}
