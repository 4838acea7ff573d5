import { LookupRequest, LookupResult } from './alert-types';

/** Reverse DNS and whois as the alert stage uses them (the Resolver). */
export interface LookupService {
  reverse(ip: string): Promise<string>;
  whois(ip: string, file: string): Promise<string[]>;
}

/**
 * The ordered back half of the alert stage (AlertSink.lookup): each alert's
 * reverse-DNS and whois lookups start at once, in the order the alerts are
 * produced (so the per-address caches count as psad's do), and the alerts are
 * finished (body file, mail, email counter, external script) in that same
 * order once their answers are in. Nothing here blocks the caller.
 */
export class AlertDelivery {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private giveUp: () => void = () => undefined;
  private readonly aborted = new Promise<void>((r) => { this.giveUp = r; });

  constructor(
    private lookups: LookupService | null,
    private readonly onError: (msg: string) => void,
    /** whois answers kept in `<src dir>/<ip>_whois` (false: in memory only) */
    private readonly keepWhoisFiles = true,
  ) {}

  setLookups(l: LookupService | null): void {
    this.lookups = l;
  }

  private run(then: (r: LookupResult) => void, r: LookupResult): void {
    try {
      then(r);
    } catch (e) {
      this.onError(`alert delivery failed: ${(e as Error).message}`);
    }
  }

  lookup(req: LookupRequest, then: (r: LookupResult) => void): void {
    const needs = req.dns.length > 0 || req.whois !== null;
    if (!needs && this.waiting === 0) {
      this.run(then, { dns: [], whois: [] });
      return;
    }
    const l = this.lookups;
    const dnsP = Promise.all(req.dns.map((ip) => (l ? l.reverse(ip).catch(() => '') : Promise.resolve(''))));
    const whoisP: Promise<string[]> = req.whois
      ? (l ? l.whois(req.whois.ip, this.keepWhoisFiles ? req.whois.file : '').catch(() => ['Whois data not available!\n']) : Promise.resolve(['Whois data not available!\n']))
      : Promise.resolve([]);
    this.waiting++;
    this.tail = this.tail
      .then(async () => {
        const none: [string[], string[]] = [req.dns.map(() => ''), req.whois ? ['Whois data not available!\n'] : []];
        const [dns, whois] = await Promise.race([Promise.all([dnsP, whoisP]), this.aborted.then(() => none)]);
        this.run(then, { dns, whois });
      })
      .finally(() => {
        this.waiting--;
      });
  }

  /** Alerts still waiting for their lookups. */
  get pending(): number {
    return this.waiting;
  }

  /**
   * For a stopping psad: waits up to timeoutMs, then finishes the alerts
   * still waiting without their lookups (so their mail is still sent or saved).
   */
  async close(timeoutMs = 3000): Promise<void> {
    await this.idle(timeoutMs);
    this.giveUp();
    await this.idle(2000);
  }

  /** Resolves when every alert handed over so far is finished (or after timeoutMs). */
  async idle(timeoutMs = 120000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.waiting > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }
}
