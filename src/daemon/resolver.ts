import { promises as dnsp } from 'dns';
import { spawn } from 'child_process';
import * as fs from 'fs';

function withTimeout<T>(p: Promise<T>, ms: number, dflt: T): Promise<T> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(dflt), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, () => { clearTimeout(t); resolve(dflt); });
  });
}

/**
 * Reverse DNS and whois for alerts, looked up ahead of the alert stage so
 * that the daemon's event loop never waits on the network; results are
 * cached per address and reused DNS_LOOKUP_THRESHOLD / WHOIS_LOOKUP_THRESHOLD
 * times, as psad does.
 */
export class Resolver {
  private readonly dnsCache = new Map<string, { name: string; uses: number }>();
  private readonly whoisUses = new Map<string, number>();

  constructor(private o: { dnsThreshold: number; whoisThreshold: number; whoisTimeout: number; whoisCmd: string; dnsTimeoutMs: number }) {}

  reconfigure(o: Resolver['o']): void {
    this.o = o;
  }

  /** Reverse name of ip, '' if none (the cache is used below the threshold). */
  async reverse(ip: string): Promise<string> {
    const c = this.dnsCache.get(ip);
    if (c && c.uses < this.o.dnsThreshold) {
      c.uses++;
      return c.name;
    }
    const names = await withTimeout(dnsp.reverse(ip), this.o.dnsTimeoutMs, [] as string[]);
    const name = names[0] ?? '';
    this.dnsCache.set(ip, { name, uses: 0 });
    return name;
  }

  /** Cached reverse name (after reverse() ran for it in this batch). */
  cachedReverse(ip: string): string {
    return this.dnsCache.get(ip)?.name ?? '';
  }

  /**
   * whois output for ip, kept in `file` and reused while under the
   * threshold; "Whois data not available!" on a timeout or failure.
   */
  async whois(ip: string, file: string): Promise<string[]> {
    const uses = this.whoisUses.get(ip);
    if (uses !== undefined && uses < this.o.whoisThreshold && fs.existsSync(file)) {
      this.whoisUses.set(ip, uses + 1);
    } else {
      this.whoisUses.set(ip, 0);
      const ok = await new Promise<boolean>((resolve) => {
        let out: fs.WriteStream;
        try {
          out = fs.createWriteStream(file, { mode: 0o600 });
        } catch {
          resolve(false);
          return;
        }
        const child = spawn(this.o.whoisCmd, [ip], { stdio: ['ignore', 'pipe', 'ignore'] });
        const t = setTimeout(() => child.kill('SIGKILL'), this.o.whoisTimeout * 1000);
        child.stdout!.pipe(out);
        child.on('error', () => { clearTimeout(t); resolve(false); });
        child.on('close', (code, sig) => {
          clearTimeout(t);
          out.close(() => resolve(!sig && code === 0));
        });
      });
      if (!ok) {
        try { fs.unlinkSync(file); } catch { /* none */ }
        return ['Whois data not available!\n'];
      }
    }
    try {
      return fs.readFileSync(file, 'latin1').split(/(?<=\n)/);
    } catch {
      return ['Whois data not available!\n'];
    }
  }
}
