/**
 * Parser for `iptables -n -L` / `ip6tables -n -L` listings, with or without
 * -v, in the formats of old iptables releases (`all` protocol, no opt column
 * in ip6tables, `` prefix `DROP ' ``) and of iptables 1.8 (protocol numbers,
 * `--` opt column in ip6tables too, `prefix "DROP "`).
 */

export interface Rule {
  /** 1-based position in its chain (as `--line-numbers` shows it) */
  num: number;
  /** the target, '' for a rule without one */
  target: string;
  /** protocol as printed */
  protoRaw: string;
  /** normalised protocol: all, tcp, udp, icmp, icmpv6, another name, or '' when negated/unknown */
  proto: string;
  opt: string;
  /** interfaces (verbose listings only, else '*') */
  inIf: string;
  outIf: string;
  src: string;
  dst: string;
  /** everything after the destination column, trimmed */
  options: string;
  raw: string;
}

export interface Chain {
  name: string;
  /** builtin chains: the policy; user chains: undefined */
  policy?: string;
  /** user chains: the reference count; builtin chains: undefined */
  references?: number;
  verbose: boolean;
  rules: Rule[];
}

export interface Listing {
  chains: Map<string, Chain>;
  /** chain names in listing order */
  order: string[];
  /** the listing had no lines at all */
  empty: boolean;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/(?:\d{1,3}(?:\.\d{1,3}){3}|\d{1,2}))?$/;
const IPV6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:\/\d{1,3})?$/;

export function isAddr(tok: string): boolean {
  const t = tok.startsWith('!') ? tok.slice(1) : tok;
  return IPV4.test(t) || IPV6.test(t);
}

/** The "any" address of either family (psad's `0.0.0.0/0` or `::/0`). */
export function isAnyAddr(tok: string): boolean {
  return tok === '0.0.0.0/0' || tok === '::/0';
}

const COUNTER = /^\d+[KMGTP]?$/;
const OPT = /^(?:--|-f|!f)$/;

const PROTO_NUMS: Record<string, string> = { '0': 'all', '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** Protocol as psad compares it: `0` is `all`, numbers of the usual protocols become names. */
export function normProto(p: string): string {
  if (!p || p.startsWith('!')) return '';
  const l = p.toLowerCase();
  if (PROTO_NUMS[l] !== undefined) return PROTO_NUMS[l];
  if (l === 'ipv6-icmp' || l === 'icmp6') return 'icmpv6';
  return l;
}

function parseRule(line: string, verbose: boolean, num: number): Rule | null {
  const toks = line.trim().split(/\s+/);
  let i = -1;
  for (let k = 1; k + 1 < toks.length; k++) {
    if (isAddr(toks[k]) && isAddr(toks[k + 1])) {
      i = k;
      break;
    }
  }
  if (i < 0) return null;
  let pre = toks.slice(0, i);
  let inIf = '*';
  let outIf = '*';
  if (verbose) {
    if (pre.length < 4 || !COUNTER.test(pre[0]) || !COUNTER.test(pre[1])) return null;
    inIf = pre[pre.length - 2];
    outIf = pre[pre.length - 1];
    pre = pre.slice(2, pre.length - 2);
  }
  let opt = '';
  if (pre.length > 1 && OPT.test(pre[pre.length - 1])) opt = pre.pop()!;
  let target = '';
  let protoRaw: string;
  if (pre.length === 1) protoRaw = pre[0];
  else if (pre.length === 2) [target, protoRaw] = pre;
  else return null;
  // the text after the destination column, found again in the original line
  let pos = 0;
  for (let k = 0; k <= i + 1; k++) pos = line.indexOf(toks[k], pos) + toks[k].length;
  return {
    num,
    target,
    protoRaw,
    proto: normProto(protoRaw),
    opt,
    inIf,
    outIf,
    src: toks[i],
    dst: toks[i + 1],
    options: line.slice(pos).trim(),
    raw: line,
  };
}

const CHAIN_RE = /^\s*Chain\s+(\S+)\s+\((?:policy\s+(\w+)[^)]*|(\d+)\s+references?)\)/;

export function parseListing(text: string | string[]): Listing {
  const lines = (Array.isArray(text) ? text : text.split('\n')).map((l) => l.replace(/\r?\n$/, ''));
  const chains = new Map<string, Chain>();
  const order: string[] = [];
  // the format of the whole listing, in case a chain comes without its header line
  const fileVerbose = lines.some((l) => /^\s*pkts\s+bytes\s+target/.test(l));
  let cur: Chain | null = null;
  let nonEmpty = false;
  for (const line of lines) {
    if (/\S/.test(line)) nonEmpty = true;
    const m = CHAIN_RE.exec(line);
    if (m) {
      cur = { name: m[1], policy: m[2], references: m[3] !== undefined ? Number(m[3]) : undefined, verbose: fileVerbose, rules: [] };
      if (!chains.has(cur.name)) order.push(cur.name);
      chains.set(cur.name, cur);
      continue;
    }
    if (!cur) continue;
    if (/^\s*pkts\s+bytes\s+target/.test(line)) {
      cur.verbose = true;
      continue;
    }
    if (/^\s*target\s+prot/.test(line)) {
      cur.verbose = false;
      continue;
    }
    if (!/\S/.test(line)) continue;
    const r = parseRule(line, cur.verbose, cur.rules.length + 1);
    if (r) cur.rules.push(r);
  }
  return { chains, order, empty: !nonEmpty };
}

/** LOG or ULOG to and from anywhere (interfaces and other matches are allowed). */
export function isDefaultLog(r: Rule): boolean {
  return /^U?LOG$/.test(r.target) && isAnyAddr(r.src) && isAnyAddr(r.dst) && r.proto !== '' && (r.opt === '' || r.opt === '--') && /U?LOG/.test(r.options);
}

/** A DROP/REJECT rule that takes every packet of its protocol (no interface, fragment or other match). */
export function isUnconditionalBlock(r: Rule): boolean {
  if (r.target !== 'DROP' && r.target !== 'REJECT') return false;
  if (!isAnyAddr(r.src) || !isAnyAddr(r.dst) || r.proto === '') return false;
  if (r.opt !== '' && r.opt !== '--') return false;
  if (r.inIf !== '*' || r.outIf !== '*') return false;
  const rest = r.target === 'REJECT' ? r.options.replace(/^reject-with\s+\S+\s*/, '') : r.options;
  return rest === '';
}

/** User chains reached from `start` (not `start` itself), through jumps and gotos. */
export function subChains(l: Listing, start: string): Set<string> {
  const seen = new Set<string>();
  const walk = (name: string) => {
    const c = l.chains.get(name);
    if (!c) return;
    for (const r of c.rules) {
      const t = r.target;
      if (!t || t === start || seen.has(t)) continue;
      const sub = l.chains.get(t);
      if (!sub || sub.policy !== undefined || sub.references === 0) continue;
      seen.add(t);
      walk(t);
    }
  };
  walk(start);
  return seen;
}
