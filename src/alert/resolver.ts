import { promises as dnsp } from 'dns';
import * as fs from 'fs';
import { whoisLookup } from './whois-client';

export interface ResolverOptions {
  /** DNS_LOOKUP_THRESHOLD: a cached name is used this many times before it is looked up again */
  dnsThreshold: number;
  /** WHOIS_LOOKUP_THRESHOLD, likewise for whois answers */
  whoisThreshold: number;
  /** WHOIS_TIMEOUT in seconds */
  whoisTimeout: number;
  /** one reverse lookup ends after this */
  dnsTimeoutMs: number;
  /** WHOIS_SERVER (`host[:port]`), '' for whois.iana.org and its referral */
  whoisServer?: string;
  /** ENABLE_WHOIS_FORCE_ASCII */
  forceAscii?: boolean;
  /** bytes kept of one whois answer (default 256 KiB) */
  whoisMaxBytes?: number;
  /** psad 2.4.6's whois command (whoisCmd); not used, the lookup is done here */
  whoisCmd?: string;
  /** failed lookups are reported here */
  onError?: (msg: string) => void;
}

export const WHOIS_UNAVAILABLE = 'Whois data not available!\n';
const WHOIS_MAX_BYTES = 256 * 1024;
const MAX_WHOIS_AT_ONCE = 4;
const MAX_CACHE = 20000;

function withTimeout<T>(p: Promise<T>, ms: number, dflt: T): Promise<T> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(dflt), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, () => { clearTimeout(t); resolve(dflt); });
  });
}

/**
 * A reverse-DNS name as it may appear in a mail subject and body: letters,
 * digits, '.', '-' and '_' as they are, every other byte as \DDD (as dig
 * prints it; the resolver already gives unprintable bytes so), so a PTR
 * record cannot add a header line, a shell word or a terminal escape.
 */
export function safeName(name: string): string {
  let out = '';
  const b = Buffer.from(name, 'utf8');
  const esc = (c: number) => `\\${String(c).padStart(3, '0')}`;
  for (let i = 0; i < b.length && out.length < 255; i++) {
    const c = b[i];
    if (c === 0x5c && i + 3 < b.length && /^\d{3}$/.test(b.toString('latin1', i + 1, i + 4))) {
      // the resolver's own \DDD
      out += b.toString('latin1', i, i + 4);
      i += 3;
    } else if (c === 0x5c && i + 1 < b.length) {
      // the resolver's \X for a special character X
      out += esc(b[++i]);
    } else out += /[A-Za-z0-9._-]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : esc(c);
  }
  return out.slice(0, 255);
}

/**
 * whois text as the alert shows it: CR LF as LF, and with
 * ENABLE_WHOIS_FORCE_ASCII every byte outside 0x20-0x7e except the line
 * feed as "NA" (psad 2.4.6 replaced the line feeds too, Q25); otherwise
 * other control characters (escape sequences, NUL, a lone CR) as '?'.
 */
export function whoisLines(raw: string, forceAscii: boolean, truncatedAt = 0): string[] {
  let t = raw.replace(/\r\n/g, '\n');
  t = forceAscii ? t.replace(/[^\x20-\x7e\n]/g, 'NA') : t.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?');
  if (truncatedAt) t += `${t.endsWith('\n') || !t ? '' : '\n'}[whois answer cut after ${truncatedAt} bytes]\n`;
  return t.split(/(?<=\n)/).filter((l) => l.length);
}

/**
 * Reverse DNS and whois for alerts. Lookups run in the background: callers
 * get promises and psad's detection never waits for them. Each address is
 * cached and the cached answer reused DNS_LOOKUP_THRESHOLD /
 * WHOIS_LOOKUP_THRESHOLD times, as psad does; a lookup already running for
 * an address is shared.
 */
export class Resolver {
  private readonly dnsCache = new Map<string, { p: Promise<string>; uses: number; name?: string }>();
  private readonly whoisUses = new Map<string, number>();
  private readonly whoisMem = new Map<string, string>();
  private readonly whoisInflight = new Map<string, Promise<string[]>>();
  private dns: dnsp.Resolver;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private o: ResolverOptions) {
    this.dns = this.newDns();
  }

  private newDns(): dnsp.Resolver {
    return new dnsp.Resolver({ timeout: Math.max(100, this.o.dnsTimeoutMs), tries: 2 });
  }

  reconfigure(o: ResolverOptions): void {
    this.o = o;
    this.dns = this.newDns();
  }

  /** Reverse name of ip (made safe, see safeName), '' if none or on a timeout. */
  reverse(ip: string): Promise<string> {
    const c = this.dnsCache.get(ip);
    if (c && c.uses < this.o.dnsThreshold) {
      c.uses++;
      return c.p;
    }
    const entry: { p: Promise<string>; uses: number; name?: string } = { p: Promise.resolve(''), uses: 0 };
    entry.p = withTimeout(this.dns.reverse(ip), this.o.dnsTimeoutMs * 3, [] as string[]).then((names) => {
      entry.name = names.length ? safeName(names[0]) : '';
      return entry.name;
    });
    this.dnsCache.delete(ip);
    this.dnsCache.set(ip, entry);
    if (this.dnsCache.size > MAX_CACHE) this.dnsCache.delete(this.dnsCache.keys().next().value!);
    return entry.p;
  }

  /** The last name found for ip ('' when none yet). */
  cachedReverse(ip: string): string {
    return this.dnsCache.get(ip)?.name ?? '';
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_WHOIS_AT_ONCE) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /**
   * whois text lines for ip. The raw answer is kept in `file` (psad's
   * `<src dir>/<ip>_whois`; '' keeps it in memory) and reused while under
   * the threshold; "Whois data not available!" on a timeout or failure.
   */
  whois(ip: string, file: string): Promise<string[]> {
    const key = file || `\0${ip}`;
    const inflight = this.whoisInflight.get(key);
    if (inflight) return inflight;
    const max = this.o.whoisMaxBytes ?? WHOIS_MAX_BYTES;
    const uses = this.whoisUses.get(ip);
    const have = file ? fs.existsSync(file) : this.whoisMem.has(ip);
    if (uses !== undefined && uses < this.o.whoisThreshold && have) {
      this.whoisUses.set(ip, uses + 1);
      try {
        const raw = file ? fs.readFileSync(file, 'latin1') : this.whoisMem.get(ip)!;
        return Promise.resolve(whoisLines(raw, !!this.o.forceAscii, raw.length >= max ? max : 0));
      } catch {
        /* removed meanwhile: look it up again */
      }
    }
    this.whoisUses.set(ip, 0);
    if (this.whoisUses.size > MAX_CACHE) this.whoisUses.delete(this.whoisUses.keys().next().value!);
    const p = this.slot(() => whoisLookup(ip, { server: this.o.whoisServer ?? '', timeoutMs: this.o.whoisTimeout * 1000, maxBytes: max }))
      .then((ans) => {
        if (file) fs.writeFileSync(file, Buffer.from(ans.text, 'latin1'), { mode: 0o600 });
        else {
          this.whoisMem.set(ip, ans.text);
          if (this.whoisMem.size > 1000) this.whoisMem.delete(this.whoisMem.keys().next().value!);
        }
        return whoisLines(ans.text, !!this.o.forceAscii, ans.truncated ? max : 0);
      }, (e: Error) => {
        this.o.onError?.(`whois lookup for ${ip} failed: ${e.message}`);
        if (file) {
          try { fs.unlinkSync(file); } catch { /* none */ }
        }
        return [WHOIS_UNAVAILABLE];
      })
      .catch((e: Error) => {
        this.o.onError?.(`whois answer for ${ip} could not be kept: ${e.message}`);
        return [WHOIS_UNAVAILABLE];
      })
      .finally(() => this.whoisInflight.delete(key));
    this.whoisInflight.set(key, p);
    return p;
  }
}
