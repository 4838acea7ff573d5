/**
 * Addresses as psad compares them: every address is a 128-bit value, an IPv4
 * address a.b.c.d being ::a.b.c.d and an IPv4 network /m being /(96+m), which
 * is how NetAddr::IP's within() behaves in the reference. The parsers here
 * read packets and what programs print; what a user gives goes through
 * user-addr.ts (ip-num).
 */

/** A 128-bit address as four unsigned 32-bit words, most significant first. */
export interface Addr {
  readonly v6: boolean;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
}

/** A network: an address and a 128-bit prefix length. */
export interface Net {
  readonly addr: Addr;
  readonly prefix: number; // 0..128 in the 128-bit space
  readonly v6: boolean;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * One dotted-quad component as inet_aton reads it: a leading zero makes the
 * component octal ("010" is 8, "08" is invalid). Returns -1 when invalid.
 */
function ipv4Component(s: string, start: number, end: number): number {
  if (end <= start) return -1;
  let v = 0;
  if (s.charCodeAt(start) === 48 && end - start > 1) {
    for (let i = start + 1; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 55) return -1;
      v = v * 8 + (c - 48);
    }
  } else {
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (!isDigitCode(c)) return -1;
      v = v * 10 + (c - 48);
      if (v > 0xffffffff) return -1;
    }
  }
  return v;
}

/**
 * Parses a dotted-quad IPv4 address (four components, inet_aton number
 * rules) into an unsigned 32-bit number, or -1.
 */
export function parseIPv4Number(s: string): number {
  let v = 0;
  let start = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charCodeAt(i) === 46) {
      const c = ipv4Component(s, start, i);
      if (c < 0 || c > 255) return -1;
      v = v * 256 + c;
      parts++;
      start = i + 1;
      if (parts > 4) return -1;
    }
  }
  return parts === 4 ? v >>> 0 : -1;
}

export function ipv4Addr(n: number): Addr {
  return { v6: false, w0: 0, w1: 0, w2: 0, w3: n >>> 0 };
}

export function parseIPv4(s: string): Addr | null {
  const n = parseIPv4Number(s);
  return n < 0 ? null : ipv4Addr(n);
}

function hexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses any IPv6 text form (compressed, full, embedded IPv4). */
export function parseIPv6(text: string): Addr | null {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.indexOf('.', lastColon) > lastColon) {
    // embedded dotted quad: rewrite it as two hex groups
    const v4 = parseIPv4Number(s.slice(lastColon + 1));
    if (v4 < 0) return null;
    s = s.slice(0, lastColon + 1) + (v4 >>> 16).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const groups: number[] = [];
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return null;
  if (dbl >= 0) {
    const left = s.slice(0, dbl);
    const right = s.slice(dbl + 2);
    const l = left.length ? left.split(':') : [];
    const r = right.length ? right.split(':') : [];
    if (l.length + r.length >= 8) return null;
    for (const g of l) { const v = hexGroup(g); if (v < 0) return null; groups.push(v); }
    for (let i = l.length + r.length; i < 8; i++) groups.push(0);
    for (const g of r) { const v = hexGroup(g); if (v < 0) return null; groups.push(v); }
  } else {
    const parts = s.split(':');
    if (parts.length !== 8) return null;
    for (const g of parts) { const v = hexGroup(g); if (v < 0) return null; groups.push(v); }
  }
  return {
    v6: true,
    w0: ((groups[0] << 16) | groups[1]) >>> 0,
    w1: ((groups[2] << 16) | groups[3]) >>> 0,
    w2: ((groups[4] << 16) | groups[5]) >>> 0,
    w3: ((groups[6] << 16) | groups[7]) >>> 0,
  };
}

/** An address of either family from its text. */
export function parseAddr(s: string): Addr | null {
  return s.indexOf(':') >= 0 ? parseIPv6(s) : parseIPv4(s);
}

function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

export function makeNet(addr: Addr, prefix: number): Net {
  // store the network address (host bits cleared)
  const p = Math.max(0, Math.min(128, prefix));
  const a: Addr = {
    v6: addr.v6,
    w0: (addr.w0 & wordMask(p)) >>> 0,
    w1: (addr.w1 & wordMask(p - 32)) >>> 0,
    w2: (addr.w2 & wordMask(p - 64)) >>> 0,
    w3: (addr.w3 & wordMask(p - 96)) >>> 0,
  };
  return { addr: a, prefix: p, v6: addr.v6 };
}

/** True when addr lies within net (128-bit comparison, as NetAddr::IP). */
export function netContains(net: Net, a: Addr): boolean {
  const p = net.prefix;
  if (p === 0) return true;
  const n = net.addr;
  if (((a.w0 & wordMask(p)) >>> 0) !== n.w0) return false;
  if (p <= 32) return true;
  if (((a.w1 & wordMask(p - 32)) >>> 0) !== n.w1) return false;
  if (p <= 64) return true;
  if (((a.w2 & wordMask(p - 64)) >>> 0) !== n.w2) return false;
  if (p <= 96) return true;
  return ((a.w3 & wordMask(p - 96)) >>> 0) === n.w3;
}

/** Number of leading one bits of a dotted-quad mask, or -1 if not contiguous. */
function maskBits(n: number): number {
  let bits = 0;
  let seenZero = false;
  for (let i = 31; i >= 0; i--) {
    const one = ((n >>> i) & 1) === 1;
    if (one) {
      if (seenZero) return -1;
      bits++;
    } else seenZero = true;
  }
  return bits;
}

/**
 * Parses "a.b.c.d", "a.b.c.d/nn", "a.b.c.d/m.m.m.m", "v6", "v6/nn" (the
 * forms NetAddr::IP->new accepts in psad's data files). null when invalid.
 */
export function parseNet(text: string, defaultV4Prefix = 32): Net | null {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addrText = slash >= 0 ? s.slice(0, slash) : s;
  const maskText = slash >= 0 ? s.slice(slash + 1) : '';
  const a = parseAddr(addrText);
  if (!a) return null;
  if (a.v6) {
    if (slash < 0) return makeNet(a, 128);
    if (!/^\d+$/.test(maskText)) return null;
    const m = Number(maskText);
    if (m > 128) return null;
    return makeNet(a, m);
  }
  if (slash < 0) return makeNet(a, 96 + defaultV4Prefix);
  if (/^\d+$/.test(maskText)) {
    const m = Number(maskText);
    if (m > 32) return null;
    return makeNet(a, 96 + m);
  }
  const mn = parseIPv4Number(maskText);
  if (mn < 0) return null;
  const bits = maskBits(mn);
  if (bits < 0) return null;
  return makeNet(a, 96 + bits);
}

/** ::/0, which contains every IPv4 and IPv6 address. */
export const ANY_NET: Net = { addr: { v6: true, w0: 0, w1: 0, w2: 0, w3: 0 }, prefix: 0, v6: true };

function groupsOf(a: Addr): number[] {
  return [a.w0 >>> 16, a.w0 & 0xffff, a.w1 >>> 16, a.w1 & 0xffff, a.w2 >>> 16, a.w2 & 0xffff, a.w3 >>> 16, a.w3 & 0xffff];
}

/** NetAddr::IP addr() of an IPv6 address: upper-case groups, no leading zeros. */
export function ipv6AddrText(a: Addr): string {
  return groupsOf(a).map((g) => g.toString(16).toUpperCase()).join(':');
}

/**
 * NetAddr::IP short() of an IPv6 address: the longest run of two or more
 * zero groups (the first one on a tie) becomes "::".
 */
export function ipv6Short(a: Addr): string {
  const ip = ipv6AddrText(a);
  const re = /((?:^|:)0(?::0)+(?::|$))/g;
  let longest = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(ip)) !== null) {
    if (m[1].length > longest.length) longest = m[1];
  }
  if (!longest) return ip;
  return ip.replace(longest, '::');
}

/** Lower-case compressed form for normalising user-given IPv6 text. */
export function ipv6Canonical(a: Addr): string {
  return ipv6Short(a).toLowerCase();
}

export function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Full (ip6tables log) form: eight groups of four lower-case hex digits. */
export function ipv6Full(a: Addr): string {
  return groupsOf(a).map((g) => g.toString(16).padStart(4, '0')).join(':');
}

/** Text of an address as the reference would print it in dotted/short form. */
export function addrText(a: Addr): string {
  return a.v6 ? ipv6Canonical(a) : ipv4Text(a.w3);
}

/** Net in CIDR text (IPv4 nets as a.b.c.d/m). */
export function netText(n: Net): string {
  if (!n.v6) return `${ipv4Text(n.addr.w3)}/${n.prefix - 96}`;
  return `${ipv6Canonical(n.addr)}/${n.prefix}`;
}
