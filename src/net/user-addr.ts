import { IPv4, IPv4Mask, IPv4Prefix, IPv6, IPv6Prefix } from 'ip-num';
import { Addr, Net, ipv4Addr, makeNet } from './addr';

/**
 * Addresses and networks a user gives (psad.conf, auto_dl, signatures, the
 * command line, control-socket requests): validated and parsed by ip-num,
 * returned in the numeric form the per-packet path compares (addr.ts, whose
 * own parser stays on that path).
 */

/**
 * A dotted quad with every component in decimal as inet_aton reads it: a
 * leading zero makes it octal ("010" is 8), as in psad 2.4.6 (NetAddr::IP)
 * and before this parser; ip-num refuses leading zeros. null when such a
 * component is not octal ("08"). Everything else is left for ip-num to judge.
 */
function inetAtonDecimal(quad: string): string | null {
  const parts = quad.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (!/^0\d/.test(parts[i])) continue;
    if (!/^0[0-7]+$/.test(parts[i])) return null;
    parts[i] = String(parseInt(parts[i], 8));
  }
  return parts.join('.');
}

function ipv4Value(text: string): number {
  const quad = inetAtonDecimal(text);
  if (quad === null) return -1;
  try {
    return Number(IPv4.fromDecimalDottedString(quad).value);
  } catch {
    return -1;
  }
}

/** An IPv6 address (compressed, full, or with an IPv4 tail); a zone index (%eth0) is not an address psad compares. */
function ipv6Addr(text: string): Addr | null {
  if (text.includes('%')) return null;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const quad = tail.includes('.') ? inetAtonDecimal(tail) : tail;
  if (quad === null) return null;
  let v: bigint;
  try {
    v = IPv6.fromString(text.slice(0, lastColon + 1) + quad).value;
  } catch {
    return null;
  }
  const word = (shift: bigint): number => Number((v >> shift) & 0xffffffffn);
  return { v6: true, w0: word(96n), w1: word(64n), w2: word(32n), w3: word(0n) };
}

/** The bits of a /nn prefix for the address's family, or -1. */
function prefixBits(digits: string, v6: boolean): number {
  try {
    return Number((v6 ? IPv6Prefix : IPv4Prefix).fromNumber(BigInt(digits)).getValue());
  } catch {
    return -1;
  }
}

/** The bits of a contiguous dotted-quad netmask (255.255.255.0 is 24), or -1. */
function netmaskBits(mask: string): number {
  const quad = inetAtonDecimal(mask);
  if (quad === null) return -1;
  try {
    return IPv4Mask.fromDecimalDottedString(quad).prefix;
  } catch {
    return -1;
  }
}

/**
 * An IPv4-mapped IPv6 network (::ffff:a.b.c.d, a prefix of 96 or more) as the
 * IPv4 network it names, so that it compares with IPv4 packets and entries.
 */
function unmapped(net: Net): Net {
  const a = net.addr;
  if (!net.v6 || net.prefix < 96 || a.w0 !== 0 || a.w1 !== 0 || a.w2 !== 0xffff) return net;
  return makeNet(ipv4Addr(a.w3), net.prefix);
}

/**
 * A user-given address or network: "a.b.c.d", "a.b.c.d/nn",
 * "a.b.c.d/m.m.m.m" (contiguous netmask), an IPv6 address, "v6/nn";
 * surrounding white space is ignored, host bits are cleared, and an
 * IPv4-mapped IPv6 address or network is the IPv4 one. null when invalid.
 */
export function parseUserNet(text: string): Net | null {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addrText = slash >= 0 ? s.slice(0, slash) : s;
  let addr: Addr | null;
  if (addrText.includes(':')) addr = ipv6Addr(addrText);
  else {
    const n = ipv4Value(addrText);
    addr = n < 0 ? null : ipv4Addr(n);
  }
  if (!addr) return null;
  let bits = addr.v6 ? 128 : 32;
  if (slash >= 0) {
    const mask = s.slice(slash + 1);
    if (/^\d+$/.test(mask)) bits = prefixBits(mask, addr.v6);
    else bits = addr.v6 ? -1 : netmaskBits(mask);
  }
  if (bits < 0) return null;
  return unmapped(makeNet(addr, addr.v6 ? bits : 96 + bits));
}
