/**
 * The firewall check for an nftables ruleset (`nft -j list ruleset`): does
 * the ruleset log the packets psad has to see? psad 2.4.6 knows iptables
 * only; this is the same check in nftables terms, with texts in the style
 * of fwcheck_psad's.
 *
 * What a new packet from a scanner meets is followed hook by hook (input,
 * and forward when this host forwards), for IPv4 and, with
 * ENABLE_IPV6_DETECTION, IPv6, for tcp, udp and icmp/icmpv6: the base chains
 * of the hook in priority order (families ip/ip6/inet; psad's own `inet
 * psad` table is left out), their rules in order, jumps and gotos into
 * regular chains, verdict maps on ct state and l4proto, and the chain
 * policies. A rule counts as taking every such packet when its matches
 * always hold for it (no match, l4proto/nfproto, ct state new, iif not lo);
 * a log statement also counts when it is limited to interfaces or rate
 * limited, as iptables' LOG rules may be. Then:
 *  - the first log statement reached is what psad gets; a drop or reject
 *    that takes the packets before it is reported with both rule handles;
 *  - `log level audit` writes to the audit log, not the kernel log: it does
 *    not count;
 *  - `log group N` goes to netlink (ulogd2): it counts, with a note unless
 *    SYSLOG_DAEMON is ulogd;
 *  - IPv6 lines with SEQ=/ACK= (`flags tcp sequence`, `flags all`) are
 *    not parsed by psad (as in psad 2.4.6): reported for IPv6;
 *  - packets conntrack calls invalid (FIN, XMAS and NULL scans) dropped
 *    before the log statement: a note, the check still passes;
 *  - iptables-nft rules show up as `xt` expressions: the LOG/ULOG/NFLOG
 *    targets count as log statements, REJECT as reject, other xt matches
 *    as conditions that may or may not hold.
 * Search-all mode (FW_SEARCH_ALL Y) needs the log statement only; prefix
 * mode also needs a prefix matching FW_MSG_SEARCH and a default drop
 * (policy drop, or a drop after the log statement).
 */
import { FwCheckOptions, FwCheckResult, prefixMatches, searchStringsText, checkResult } from './check-common';

type Fam = 4 | 6;
type Proto = 'tcp' | 'udp' | 'icmp' | 'icmpv6';
type Ct = 'new' | 'invalid';
type Level = 'always' | 'iface' | 'maybe' | 'never';
type Hook = 'input' | 'forward';

interface Cls {
  fam: Fam;
  proto: Proto;
  ct: Ct;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface NftRule {
  handle: number;
  expr: Json[];
}

export interface NftChain {
  family: string;
  table: string;
  name: string;
  type?: string;
  hook?: string;
  prio?: number;
  policy?: string;
  rules: NftRule[];
}

export interface NftRuleset {
  chains: Map<string, NftChain>;
  /** nft's version (metainfo) */
  version: string;
}

const chainKey = (family: string, table: string, name: string) => `${family} ${table} ${name}`;

/** Chains and rules of `nft -j list ruleset` output. */
export function parseRuleset(text: string): NftRuleset {
  const doc = JSON.parse(text) as { nftables?: Json[] };
  if (!doc || !Array.isArray(doc.nftables)) throw new Error('not the JSON output of nft -j list ruleset');
  const chains = new Map<string, NftChain>();
  let version = '';
  for (const o of doc.nftables) {
    if (o.metainfo) version = String(o.metainfo.version ?? '');
    if (o.chain) {
      const c = o.chain;
      chains.set(chainKey(c.family, c.table, c.name), {
        family: c.family, table: c.table, name: c.name, type: c.type, hook: c.hook,
        prio: typeof c.prio === 'number' ? c.prio : Number(c.prio ?? 0), policy: c.policy, rules: [],
      });
    }
    if (o.rule) {
      const r = o.rule;
      chains.get(chainKey(r.family, r.table, r.chain))?.rules.push({ handle: Number(r.handle), expr: Array.isArray(r.expr) ? r.expr : [] });
    }
  }
  return { chains, version };
}

// ------------------------------------------------------------ rule text

function valText(v: Json): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(valText).join(',');
  if (v.set) return `{ ${(v.set as Json[]).map(valText).join(', ')} }`;
  if (v.prefix) return `${v.prefix.addr}/${v.prefix.len}`;
  if (v.range) return `${valText(v.range[0])}-${valText(v.range[1])}`;
  if (v.meta) return `meta ${v.meta.key}`;
  if (v.payload) return v.payload.protocol ? `${v.payload.protocol} ${v.payload.field}` : 'payload';
  if (v.ct) return `ct ${v.ct.key}`;
  if (v.fib) return 'fib';
  return Object.keys(v)[0] ?? '';
}

function verdictText(e: Json): string {
  for (const k of ['accept', 'drop', 'continue', 'return']) if (k in e) return k;
  if ('reject' in e) return 'reject';
  if (e.jump) return `jump ${e.jump.target}`;
  if (e.goto) return `goto ${e.goto.target}`;
  if ('queue' in e) return 'queue';
  return '';
}

/** A rule in (about) nft's own syntax, for messages. */
export function ruleText(r: NftRule): string {
  const out: string[] = [];
  for (const e of r.expr) {
    if (e.match) {
      const m = e.match;
      let left = valText(m.left);
      const iface = m.left.meta && ['iif', 'iifname', 'oif', 'oifname'].includes(m.left.meta.key);
      if (iface) left = left.slice(5);
      const op = m.op === '==' || m.op === 'in' ? '' : `${m.op} `;
      const right = iface && typeof m.right === 'string' ? `"${m.right}"` : valText(m.right);
      out.push(`${left} ${op}${right}`);
    } else if (e.log) {
      const l = e.log;
      let t = 'log';
      if (l.prefix !== undefined) t += ` prefix "${l.prefix}"`;
      if (l.group !== undefined) t += ` group ${l.group}`;
      if (l.level) t += ` level ${l.level}`;
      if (l.flags) t += ` flags ${Array.isArray(l.flags) ? l.flags.join(',') : l.flags}`;
      out.push(t);
    } else if (e.counter !== undefined) out.push('counter');
    else if (e.limit) out.push(`limit rate ${e.limit.rate}/${e.limit.per}`);
    else if (e.vmap) out.push(`${valText(e.vmap.key)} vmap { ${(e.vmap.data?.set ?? []).map((p: Json) => `${valText(p[0])} : ${verdictText(p[1])}`).join(', ')} }`);
    else if (e.xt) out.push(`xt ${e.xt.type} ${e.xt.name}`);
    else {
      const v = verdictText(e);
      out.push(v || Object.keys(e)[0]);
    }
  }
  return out.join(' ');
}

// ------------------------------------------------------------ classifying

const PROTO_NUM: Record<string, Proto> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function protoName(v: Json): string {
  const s = String(v).toLowerCase();
  if (PROTO_NUM[s]) return PROTO_NUM[s];
  if (s === 'ipv6-icmp' || s === 'icmp6') return 'icmpv6';
  return s;
}

/** The values of a match's right side (a value, a list or an anonymous set). */
function values(v: Json): Json[] | null {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return v.set ? (v.set as Json[]) : null;
  return [v];
}

function inList(m: Json, test: (x: Json) => boolean): Level {
  const vals = values(m.right);
  if (!vals || vals.some((x) => x !== null && typeof x === 'object')) return 'maybe';
  const hit = vals.some(test);
  const neg = m.op === '!=';
  return hit !== neg ? 'always' : 'never';
}

function matchLevel(m: Json, c: Cls): Level {
  const left = m.left ?? {};
  if (typeof m.right === 'string' && m.right.startsWith('@')) return 'maybe';
  if (left.meta) {
    switch (left.meta.key) {
      case 'l4proto': return inList(m, (x) => protoName(x) === c.proto);
      case 'nfproto': return inList(m, (x) => String(x) === (c.fam === 6 ? 'ipv6' : 'ipv4'));
      case 'protocol': return inList(m, (x) => String(x) === (c.fam === 6 ? 'ip6' : 'ip'));
      case 'iif': case 'iifname': case 'oif': case 'oifname': {
        const vals = values(m.right);
        if (vals && vals.length === 1 && vals[0] === 'lo') return m.op === '!=' ? 'always' : 'never';
        return 'iface';
      }
      default: return 'maybe';
    }
  }
  if (left.payload) {
    const p = left.payload.protocol;
    if (p === 'ip' && c.fam === 6) return 'never';
    if (p === 'ip6' && c.fam === 4) return 'never';
    if (p === 'ip' && left.payload.field === 'protocol') return inList(m, (x) => protoName(x) === c.proto);
    if (p === 'ip6' && left.payload.field === 'nexthdr') return inList(m, (x) => protoName(x) === c.proto);
    if ((p === 'tcp' || p === 'udp' || p === 'icmp' || p === 'icmpv6') && p !== c.proto) return 'never';
    return 'maybe';
  }
  if (left.ct && left.ct.key === 'state') return inList(m, (x) => x === c.ct);
  return 'maybe';
}

const RANK: Record<Level, number> = { always: 0, iface: 1, maybe: 2, never: 3 };

function worst(a: Level, b: Level): Level {
  return RANK[a] >= RANK[b] ? a : b;
}

interface LogInfo {
  prefix: string;
  group?: number;
  level?: string;
  flags: string[];
  xt: boolean;
}

function logOf(e: Json): LogInfo | null {
  if (e.log) {
    const f = e.log.flags;
    return { prefix: e.log.prefix ?? '', group: e.log.group, level: e.log.level, flags: f === undefined ? [] : Array.isArray(f) ? f : [String(f)], xt: false };
  }
  if (e.xt && e.xt.type === 'target' && /^(?:LOG|ULOG|NFLOG)$/.test(e.xt.name)) return { prefix: '', flags: [], xt: true, group: e.xt.name === 'LOG' ? undefined : 0 };
  return null;
}

type Verdict = { kind: 'accept' | 'drop' | 'reject' | 'return' } | { kind: 'jump' | 'goto'; target: string };

function verdictOf(e: Json): Verdict | null {
  if ('accept' in e) return { kind: 'accept' };
  if ('drop' in e) return { kind: 'drop' };
  if ('reject' in e) return { kind: 'reject' };
  if ('return' in e) return { kind: 'return' };
  if (e.jump) return { kind: 'jump', target: e.jump.target };
  if (e.goto) return { kind: 'goto', target: e.goto.target };
  if (e.xt && e.xt.type === 'target' && e.xt.name === 'REJECT') return { kind: 'reject' };
  return null;
}

/** The verdict a verdict map gives this packet class; undefined when it depends on more than we know. */
function vmapVerdict(v: Json, c: Cls): Verdict | null | undefined {
  const key = v.key ?? {};
  const entries: Json[] = v.data?.set ?? [];
  let test: ((x: Json) => boolean) | null = null;
  if (key.ct && key.ct.key === 'state') test = (x) => x === c.ct;
  else if (key.meta && key.meta.key === 'l4proto') test = (x) => protoName(x) === c.proto;
  else if (key.meta && key.meta.key === 'nfproto') test = (x) => String(x) === (c.fam === 6 ? 'ipv6' : 'ipv4');
  if (!test) return undefined;
  for (const [k, verdict] of entries) {
    const ks = values(k) ?? [];
    if (ks.some(test!)) return verdictOf(verdict);
  }
  return null;
}

export interface LogHit {
  chain: NftChain;
  rule: NftRule;
  log: LogInfo;
}

export interface Stop {
  kind: 'drop' | 'reject' | 'accept' | 'policy';
  chain: NftChain;
  rule?: NftRule;
}

interface Walk {
  /** the first log statement every packet of the class reaches, before any stop */
  log: LogHit | null;
  /** audit logs reached on the way (they do not count) */
  audit: LogHit[];
  stop: Stop | null;
}

const MAX_DEPTH = 16;

/** The base chains of a hook for a family, in priority order (psad's own table left out). */
export function baseChains(rs: NftRuleset, hook: string, fam: Fam, skipTable = 'psad'): NftChain[] {
  const fams = fam === 6 ? ['ip6', 'inet'] : ['ip', 'inet'];
  return [...rs.chains.values()]
    .filter((c) => c.hook === hook && fams.includes(c.family) && !(c.family === 'inet' && c.table === skipTable) && (c.type ?? 'filter') !== 'nat')
    .sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0));
}

/**
 * Follows a packet of class c through the base chains. With `ignoreStops`
 * verdicts that end the walk are passed over (to find a log statement that
 * comes too late).
 */
function walk(rs: NftRuleset, chains: NftChain[], c: Cls, ignoreStops: boolean): Walk {
  const w: Walk = { log: null, audit: [], stop: null };
  const run = (ch: NftChain, cond: Level, depth: number, seen: Set<string>): 'stop' | 'end' => {
    if (depth > MAX_DEPTH) return 'end';
    for (const r of ch.rules) {
      let lvl: Level = cond;
      for (const e of r.expr) {
        if (e.match) lvl = worst(lvl, matchLevel(e.match, c));
        // an iptables-nft match (xt): may or may not hold
        else if (e.xt && e.xt.type === 'match') lvl = worst(lvl, 'maybe');
      }
      if (lvl === 'never') continue;
      for (const e of r.expr) {
        if (e.match) continue;
        if (e.limit || e.quota) {
          // a rate limit lets the log through; it makes a verdict conditional
          if (lvl === 'always') lvl = 'iface';
          continue;
        }
        const lg = logOf(e);
        if (lg) {
          if (lvl !== 'maybe') {
            if (lg.level === 'audit') w.audit.push({ chain: ch, rule: r, log: lg });
            else if (!w.log) w.log = { chain: ch, rule: r, log: lg };
          }
          continue;
        }
        let v: Verdict | null | undefined = verdictOf(e);
        if (!v && e.vmap) {
          v = vmapVerdict(e.vmap, c);
          if (v === undefined) break;
        }
        if (!v) continue;
        const sure = lvl === 'always';
        if (v.kind === 'drop' || v.kind === 'reject' || v.kind === 'accept') {
          if (sure && !ignoreStops) {
            w.stop = { kind: v.kind, chain: ch, rule: r };
            return 'stop';
          }
          break;
        }
        if (v.kind === 'return') {
          // a return in a base chain ends it as its policy says
          if (sure) return 'end';
          break;
        }
        if (v.kind !== 'jump' && v.kind !== 'goto') break;
        // jump / goto into a regular chain
        const sub = rs.chains.get(chainKey(ch.family, ch.table, v.target));
        if (sub && lvl !== 'maybe' && !seen.has(v.target)) {
          const res = run(sub, lvl, depth + 1, new Set([...seen, v.target]));
          if (res === 'stop') return 'stop';
          // after a goto the packet does not come back here
          if (v.kind === 'goto' && sure) return 'end';
        }
        break;
      }
    }
    return 'end';
  };
  let accepted: Stop | null = null;
  for (const ch of chains) {
    const res = run(ch, 'always', 0, new Set([ch.name]));
    if (res === 'stop') {
      // an accept ends this base chain only: the next one (higher priority) still sees the packet
      if (w.stop?.kind !== 'accept') return w;
      accepted = w.stop;
      w.stop = null;
      continue;
    }
    if (!ignoreStops && ch.policy === 'drop') {
      w.stop = { kind: 'policy', chain: ch };
      return w;
    }
  }
  w.stop = accepted;
  return w;
}

// ------------------------------------------------------------ the check

const famText = (f: Fam) => (f === 6 ? 'IPv6' : 'IPv4');
const chainName = (ch: NftChain) => `${ch.family} ${ch.table} ${ch.name}`;

interface HookResult {
  ok: boolean;
  text: string;
  notes: string;
  help: boolean;
  /** for the help text: where a log statement would go */
  chain?: NftChain;
  stop?: Stop | null;
  /** every new packet of every protocol ends in a drop or reject */
  blocks?: boolean;
}

function protos(f: Fam): Proto[] {
  return f === 6 ? ['tcp', 'udp', 'icmpv6'] : ['tcp', 'udp', 'icmp'];
}

function stopText(s: Stop): string {
  if (s.kind === 'policy') return `the policy drop of ${chainName(s.chain)}`;
  return `rule ${s.rule!.handle} (${ruleText(s.rule!)}) in ${chainName(s.chain)}`;
}

function checkHook(rs: NftRuleset, hook: Hook, fam: Fam, o: FwCheckOptions): HookResult {
  const host = o.hostname;
  const chains = baseChains(rs, hook, fam);
  const where = `the ${hook} hook`;
  if (!chains.length) {
    return {
      ok: false, help: true, notes: '', chain: undefined,
      text: `[-] The nftables ruleset on ${host} has no base chain on ${where} for\n    ${famText(fam)} packets, so nothing there logs them for psad.\n\n`,
    };
  }
  const res = new Map<Proto, Walk>();
  for (const p of protos(fam)) res.set(p, walk(rs, chains, { fam, proto: p, ct: 'new' }, false));
  const main = chains.find((ch) => ch.policy === 'drop') ?? chains[chains.length - 1];
  let text = '';
  let notes = '';
  let ok = true;
  let help = false;
  const logged = protos(fam).filter((p) => res.get(p)!.log);
  const notLogged = protos(fam).filter((p) => !res.get(p)!.log);
  // a drop before a log statement that would come later
  let order = '';
  for (const p of notLogged) {
    const w = res.get(p)!;
    if (!w.stop || w.stop.kind === 'accept') continue;
    const later = walk(rs, chains, { fam, proto: p, ct: 'new' }, true).log;
    if (!later) continue;
    const what = notLogged.length === protos(fam).length ? `${famText(fam)} packet` : `${famText(fam)} ${p} packet`;
    const verb = w.stop.kind === 'reject' ? 'rejects' : 'drops';
    order =
      `[-] ${where[0].toUpperCase()}${where.slice(1)} of the nftables ruleset on ${host} ${verb} packets before\n` +
      `    they are logged: ${stopText(w.stop)}\n` +
      `    takes every ${what} before the log statement (rule ${later.rule.handle} in\n` +
      `    ${chainName(later.chain)}) is reached, so psad will not see these packets.\n` +
      `    Move the log statement above it (rule handles as shown by\n` +
      `    "nft -a list chain ${chainName(w.stop.chain)}").\n\n`;
    break;
  }
  if (order) {
    text += order;
    ok = false;
  } else if (!logged.length) {
    ok = false;
    help = true;
    const last = res.get('tcp')!.stop;
    const end = !last ? 'accepted at the end of the hook' : last.kind === 'accept' ? `accepted by ${stopText(last)}` : `dropped by ${stopText(last)}`;
    text +=
      `[-] ${where[0].toUpperCase()}${where.slice(1)} of the nftables ruleset on ${host} does not log ${famText(fam)} packets:
` +
      `    no log statement is reached by every new packet (${chains.map(chainName).join(', ')});
` +
      `    they are ${end}.

`;
  } else if (notLogged.length) {
    ok = false;
    help = true;
    text += `[-] Your nftables ruleset on ${host} includes log statements for\n    ${logged.join('/')} but not for ${notLogged.join('/')} ${famText(fam)} packets in ${where}.\n\n`;
  }
  // what psad cannot read from the log statements it gets
  const hits = new Map<NftRule, LogHit>();
  for (const w of res.values()) if (w.log) hits.set(w.log.rule, w.log);
  for (const h of hits.values()) {
    const flags = h.log.flags;
    if (fam === 6 && (flags.includes('all') || flags.includes('tcp sequence')) && res.get('tcp')!.log?.rule === h.rule) {
      ok = false;
      text +=
        `[-] The IPv6 log statement of ${where} on ${host} (rule ${h.rule.handle} in ${chainName(h.chain)}:\n` +
        `    ${ruleText(h.rule)})\n` +
        '    writes SEQ= and ACK= into IPv6 TCP lines, which psad cannot parse (psad 2.4.6\n' +
        '    cannot either): IPv6 tcp scans would not be seen. Use "flags ip options\n' +
        '    flags tcp options" instead of "flags all" or "flags tcp sequence".\n\n';
    }
    if (h.log.group !== undefined && !/ulog/i.test(o.syslogDaemon ?? '')) {
      notes +=
        `[*] Rule ${h.rule.handle} in ${chainName(h.chain)} logs to netlink group ${h.log.group} (log group): psad\n` +
        '    reads these packets only from ulogd2 (LOGEMU output): set SYSLOG_DAEMON to ulogd and\n' +
        '    ULOG_DATA_FILE to the file of its LOGEMU plugin.\n\n';
    }
    if (o.searchAll === false) {
      const p = h.log.xt ? '' : h.log.prefix.trim();
      if (!h.log.xt && !prefixMatches(p, o.fwSearch)) {
        ok = false;
        text +=
          `[-] ${where[0].toUpperCase()}${where.slice(1)} of the nftables ruleset on ${host} logs ${famText(fam)} packets\n` +
          `    (rule ${h.rule.handle} in ${chainName(h.chain)}), but the log prefix does not include one of the\n` +
          `    log prefixes mentioned above. It appears as though the log prefix is set to "${p || 'NONE'}"\n` +
          '    psad will not be able to detect scans without adding one of the above\n' +
          '    logging prefixes to the log statement.\n\n';
      }
    }
  }
  if (o.searchAll === false && logged.length) {
    const noDrop = logged.filter((p) => {
      const s = res.get(p)!.stop;
      return !s || s.kind === 'accept';
    });
    if (noDrop.length) {
      ok = false;
      text +=
        `[-] ${where[0].toUpperCase()}${where.slice(1)} of the nftables ruleset on ${host} does not appear to\n` +
        `    drop ${noDrop.length === logged.length ? famText(fam) : `${famText(fam)} ${noDrop.join('/')}`} packets by default (a policy drop or a drop after the log statement).\n\n`;
    }
  }
  for (const w of res.values()) {
    for (const a of w.audit) {
      if (notes.includes(`Rule ${a.rule.handle} in ${chainName(a.chain)} logs to the audit`)) continue;
      notes +=
        `[*] Rule ${a.rule.handle} in ${chainName(a.chain)} logs to the audit log (log level audit), which\n` +
        '    psad does not read: it does not count as a log statement for psad.\n\n';
    }
  }
  // packets conntrack calls invalid (FIN, XMAS, NULL scans): dropped before the log?
  const inv = walk(rs, chains, { fam, proto: 'tcp', ct: 'invalid' }, false);
  if (res.get('tcp')!.log && !inv.log && inv.stop && inv.stop.kind !== 'accept') {
    notes +=
      `[*] ${where[0].toUpperCase()}${where.slice(1)} on ${host} drops ${famText(fam)} tcp packets that conntrack marks\n` +
      `    invalid before they are logged, by ${stopText(inv.stop)}:\n` +
      '    psad will not see FIN, XMAS and NULL scans.\n\n';
  }
  const stop = res.get(notLogged[0] ?? 'tcp')!.stop;
  const blocks = [...res.values()].every((w) => w.stop !== null && w.stop.kind !== 'accept');
  return { ok, text, notes, help, chain: main, stop, blocks };
}

function helpText(hook: Hook, host: string, r: HookResult): string {
  const stmt = 'log prefix "DROP " flags ip options flags tcp options';
  let how: string;
  const ch = r.chain;
  if (!ch) {
    how =
      `    there is no base chain on the ${hook} hook: make one (type filter hook ${hook}\n` +
      `    priority filter) whose last rule is the log statement:\n\n        ${stmt}\n\n`;
  } else if (ch.policy === 'drop' || !r.stop || r.stop.kind === 'policy' || !r.stop.rule) {
    how = `    e.g. as the last rule of ${chainName(ch)}:\n\n        nft add rule ${chainName(ch)} ${stmt}\n\n`;
  } else {
    how =
      `    e.g. before ${stopText(r.stop)}:\n\n` +
      `        nft insert rule ${chainName(r.stop.chain)} position ${r.stop.rule.handle} ${stmt}\n\n`;
  }
  return (
    `[-] You may just need to add a log statement to the '${hook}' hook\n` +
    `    of the nftables ruleset on ${host}, after the rules that accept wanted packets,\n` +
    how
  );
}

/**
 * The check of an nftables ruleset (the JSON of `nft -j list ruleset`), in
 * the shape of fwCheck's result. `forwarding` says whether this host
 * forwards (check_forwarding).
 */
export function nftCheck(o: FwCheckOptions, json: string, forwarding: () => boolean): FwCheckResult {
  const host = o.hostname;
  const rs = parseRuleset(json);
  let report = searchStringsText(o);
  const out: string[] = [];
  const helps = new Set<string>();
  let blocks = true;
  const check = (hook: Hook, fam: Fam): boolean => {
    out.push(`[+] Parsing nftables ${hook} hook rules${fam === 6 ? ' (IPv6)' : ''}.\n`);
    const r = checkHook(rs, hook, fam, o);
    if (!r.blocks) blocks = false;
    report += r.text;
    // a note about an inet chain's rule is made for both families: once is enough
    for (const n of r.notes.split(/(?<=\n\n)/)) {
      if (n && !helps.has(n)) report += n;
      helps.add(n);
    }
    if (r.help) {
      // one help text per hook and chain (an inet chain serves both families)
      const h = helpText(hook, host, r);
      if (!helps.has(h)) report += h;
      helps.add(h);
    }
    return r.ok;
  };
  let inputOk = check('input', 4);
  if (o.ipv6 && !check('input', 6)) inputOk = false;
  let forwardOk = true;
  const fwd = forwarding();
  if (fwd) {
    forwardOk = check('forward', 4);
    if (o.ipv6 && !check('forward', 6)) forwardOk = false;
  }
  // name only the hooks checked, and "block" only when every checked packet is dropped after its log statement
  return checkResult(inputOk && forwardOk, report, out,
    `[+] The nftables ruleset on ${host} will log ${blocks ? 'and block ' : ''}unwanted\n` +
    `    packets in ${fwd ? 'both the input and forward hooks' : 'the input hook'}.  Firewall config success!\n`);
}

/**
 * Does the ruleset hold a firewall of its own in nft terms, i.e. an input
 * or forward base chain outside the tables iptables-nft makes (filter,
 * mangle, raw, security, nat of family ip/ip6 with the upper-case built-in
 * chain names) and outside psad's table? FW_BACKEND auto checks such a
 * ruleset with nftCheck, else with the iptables check.
 */
export function hasNativeBaseChains(json: string): boolean {
  return nativeBaseChains(json).length > 0;
}

/** Those base chains (input and forward hooks), in ruleset order. */
export function nativeBaseChains(json: string): NftChain[] {
  const out: NftChain[] = [];
  for (const c of parseRuleset(json).chains.values()) {
    if (c.hook !== 'input' && c.hook !== 'forward') continue;
    if (c.family === 'inet' && c.table === 'psad') continue;
    const ipt = (c.family === 'ip' || c.family === 'ip6') && /^(?:filter|mangle|raw|security|nat)$/.test(c.table) && /^[A-Z]+$/.test(c.name);
    if (!ipt) out.push(c);
  }
  return out;
}
