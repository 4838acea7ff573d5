/** One pf.os (p0f v1) fingerprint: WIN:TTL:D:SIZE:OPTS: OS-text. */
export interface P0fSig {
  win: string;
  ttl: number;
  /** the TTL as written in pf.os */
  ttlText?: string;
  d: string;
  len: string;
  opts: string[];
  os: string;
}

export function parsePfOs(lines: string[]): P0fSig[] {
  const out: P0fSig[] = [];
  for (const line of lines) {
    if (/^\s*#/.test(line) || !/\S/.test(line)) continue;
    const m = /^(\S+?):(\S+?):(\S+?):(\S+?):(\S+?):\s+(.*)\s*/.exec(line);
    if (!m) continue;
    if (/T/.test(m[1])) continue; // MTU-based window sizes are not handled
    out.push({ win: m[1], ttl: Number(m[2]), ttlText: m[2], d: m[3], len: m[4], opts: m[5].split(','), os: m[6] });
  }
  return out;
}
