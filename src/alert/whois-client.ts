import * as net from 'net';

/**
 * A whois (RFC 3912, TCP port 43) client for IP addresses.
 *
 * Why not the npm `whois` package: it can be pointed at a server, but it is
 * an ES module only (a CommonJS program loads it with an experimental-feature
 * warning on stderr), it keeps the whole answer in memory without a limit,
 * decodes it as UTF-8 by default and follows any `ReferralServer:` it is
 * given, including rwhois:// referrals to any host and port named in the
 * (registrant-controlled) answer. This client keeps the answer's bytes,
 * stops reading at `maxBytes`, and follows only whois referrals on port 43.
 */

export interface WhoisOptions {
  /** `host[:port]` to ask; '' asks whois.iana.org and follows its referral to the registry */
  server: string;
  /** the whole lookup (all referrals) ends after this */
  timeoutMs: number;
  /** bytes kept of an answer */
  maxBytes: number;
}

export interface WhoisAnswer {
  /** the answer's bytes (as a latin1 string), at most maxBytes */
  text: string;
  truncated: boolean;
  server: string;
}

function parseServer(s: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : 43 };
  const i = s.lastIndexOf(':');
  if (i > 0 && s.indexOf(':') === i && /^\d+$/.test(s.slice(i + 1))) return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  return { host: s, port: 43 };
}

/** One query: send `query` and read until the server closes (or the limits hit). */
export function whoisQuery(server: string, query: string, o: { deadline: number; maxBytes: number }): Promise<WhoisAnswer> {
  const { host, port } = parseServer(server);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let settled = false;
    const sock = net.connect({ host, port });
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve({ text: Buffer.concat(chunks).toString('latin1'), truncated, server });
    };
    const timer = setTimeout(() => done(new Error(`whois ${server}: timeout`)), Math.max(1, o.deadline - Date.now()));
    sock.on('connect', () => sock.write(`${query}\r\n`));
    sock.on('data', (d: Buffer) => {
      if (size + d.length > o.maxBytes) {
        chunks.push(d.subarray(0, o.maxBytes - size));
        size = o.maxBytes;
        truncated = true;
        done();
        return;
      }
      chunks.push(d);
      size += d.length;
    });
    sock.on('error', (e) => done(new Error(`whois ${server}: ${e.message}`)));
    sock.on('close', () => done());
  });
}

/** A registry's whois server named in an answer (IANA `refer:` / `whois:`, ARIN `ReferralServer: whois://`), port 43 only. */
export function referral(text: string, current: string): string {
  const m = /^(?:refer|whois):\s*([A-Za-z0-9.-]+)\s*$/mi.exec(text)
    ?? /^ReferralServer:\s*whois:\/\/([A-Za-z0-9.-]+)(?::43)?\/?\s*$/mi.exec(text);
  if (!m) return '';
  const host = m[1].toLowerCase();
  return host === current.toLowerCase() ? '' : host;
}

/**
 * whois for an IP address. With a server, that server is asked. Without,
 * whois.iana.org names the registry, which is asked next (ARIN with its
 * `n + <ip>` query), following at most two referrals.
 */
export async function whoisLookup(ip: string, o: WhoisOptions): Promise<WhoisAnswer> {
  const deadline = Date.now() + o.timeoutMs;
  if (o.server) return whoisQuery(o.server, ip, { deadline, maxBytes: o.maxBytes });
  let server = 'whois.iana.org';
  let ans = await whoisQuery(server, ip, { deadline, maxBytes: o.maxBytes });
  for (let hop = 0; hop < 2; hop++) {
    const next = referral(ans.text, server);
    if (!next) break;
    server = next;
    const q = /(^|\.)arin\.net$/.test(next) ? `n + ${ip}` : ip;
    ans = await whoisQuery(server, q, { deadline, maxBytes: o.maxBytes });
  }
  return ans;
}
