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

/** What a saved ruleset (--fw-file) is, by its content; null when it is none of these. */
export type RulesetFormat = 'nft-json' | 'list' | 'save' | 'nft-text';

export function rulesetFormat(text: string): RulesetFormat | null {
  if (/^\s*\{/.test(text)) return 'nft-json';
  if (/^\s*Chain\s+\S+\s+\((?:policy\s+\w+|\d+\s+references?)/m.test(text)) return 'list';
  // iptables-save (*filter, :CHAIN POLICY [p:b], -A ..., COMMIT) or iptables -S (-P, -N, -A)
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length && lines.every((l) => /^(?:\*\w+|:\S+ \S+(?: \[\d+:\d+\])?|COMMIT|-[PNA] \S+.*)$/.test(l)) && lines.some((l) => /^-[PA] /.test(l) || /^:/.test(l))) {
    return 'save';
  }
  if (/^\s*table\s+(?:ip|ip6|inet|arp|bridge|netdev)\s+\S+\s*\{/m.test(text)) return 'nft-text';
  return null;
}

/** Splits a rule line like the shell does with double quotes (iptables-save quotes log prefixes). */
function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

/**
 * The filter table of an `iptables-save` or `iptables -S` dump as the
 * listing `iptables -n -L` would give: chains with their policies or
 * reference counts, and each rule's target, protocol, addresses,
 * interfaces and the rest of its matches (a LOG target's prefix in the
 * listing's words).
 */
export function parseSaveListing(text: string): Listing {
  const chains = new Map<string, Chain>();
  const order: string[] = [];
  const chain = (name: string): Chain => {
    let c = chains.get(name);
    if (!c) {
      c = { name, verbose: false, rules: [] };
      chains.set(name, c);
      order.push(name);
    }
    return c;
  };
  let table = 'filter';
  let nonEmpty = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    nonEmpty = true;
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    if (table !== 'filter' || line === 'COMMIT') continue;
    let m = /^:(\S+) (\S+)/.exec(line) ?? /^-P (\S+) (\S+)/.exec(line);
    if (m) {
      const c = chain(m[1]);
      if (m[2] !== '-') c.policy = m[2];
      continue;
    }
    m = /^-N (\S+)/.exec(line);
    if (m) {
      chain(m[1]);
      continue;
    }
    if (!line.startsWith('-A ')) continue;
    const w = shellWords(line);
    const c = chain(w[1]);
    const r: Rule = { num: c.rules.length + 1, target: '', protoRaw: 'all', proto: 'all', opt: '', inIf: '*', outIf: '*', src: '0.0.0.0/0', dst: '0.0.0.0/0', options: '', raw: line };
    const rest: string[] = [];
    const targetOpts: string[] = [];
    let neg = false;
    let inTarget = false;
    for (let i = 2; i < w.length; i++) {
      const t = w[i];
      if (t === '!') {
        neg = true;
        continue;
      }
      const val = () => `${neg ? '!' : ''}${w[++i] ?? ''}`;
      if (!inTarget && (t === '-p' || t === '--protocol')) {
        r.protoRaw = val();
        r.proto = normProto(r.protoRaw);
      } else if (!inTarget && (t === '-s' || t === '--source')) r.src = val().replace(/\/32$/, '');
      else if (!inTarget && (t === '-d' || t === '--destination')) r.dst = val().replace(/\/32$/, '');
      else if (!inTarget && (t === '-i' || t === '--in-interface')) r.inIf = val();
      else if (!inTarget && (t === '-o' || t === '--out-interface')) r.outIf = val();
      else if (!inTarget && (t === '-f' || t === '--fragment')) r.opt = neg ? '!f' : '-f';
      else if (t === '-j' || t === '--jump' || t === '-g' || t === '--goto') {
        r.target = w[++i] ?? '';
        inTarget = true;
      } else if (inTarget) targetOpts.push(t);
      else rest.push(neg ? `! ${t}` : t);
      neg = false;
    }
    if (r.src === '0.0.0.0/0' && r.dst === '0.0.0.0/0' && /:/.test(line) && /(?:^| )-[sd] \S*:/.test(line)) r.src = r.dst = '::/0';
    const parts = rest.length ? [rest.join(' ')] : [];
    if (/^U?LOG$/.test(r.target)) {
      const k = targetOpts.indexOf('--log-prefix');
      parts.push(`${r.target} flags 0 level 4${k >= 0 ? ` prefix "${targetOpts[k + 1] ?? ''}"` : ''}`);
    } else if (r.target === 'REJECT') {
      const k = targetOpts.indexOf('--reject-with');
      parts.push(`reject-with ${k >= 0 ? targetOpts[k + 1] : 'icmp-port-unreachable'}`);
    } else if (targetOpts.length) parts.push(targetOpts.join(' '));
    r.options = parts.join(' ');
    c.rules.push(r);
  }
  // references of user chains: the jumps and gotos to them
  for (const c of chains.values()) {
    if (c.policy !== undefined) continue;
    c.references = 0;
    for (const o of chains.values()) for (const r of o.rules) if (r.target === c.name) c.references++;
  }
  return { chains, order, empty: !nonEmpty };
}
