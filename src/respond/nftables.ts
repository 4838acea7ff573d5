/**
 * nftables backend of psad's auto-blocking (psad 2.4.6 has none).
 *
 * psad keeps a table of its own, `inet psad`:
 *
 *   table inet psad {
 *     set block4    { type ipv4_addr; flags timeout; }            # hosts
 *     set block6    { type ipv6_addr; flags timeout; }
 *     set block4net { type ipv4_addr; flags interval,timeout; }   # networks
 *     set block6net { type ipv6_addr; flags interval,timeout; }
 *     chain PSAD_BLOCK_INPUT {
 *       type filter hook input priority filter - 1; policy accept;
 *       ip saddr @block4 drop
 *       ip saddr @block4net drop
 *       ip6 saddr @block6 drop
 *       ip6 saddr @block6net drop
 *     }
 *     chain PSAD_BLOCK_OUTPUT  { ... hook output ...  ip daddr @block4 drop ... }
 *     chain PSAD_BLOCK_FORWARD { ... hook forward ... saddr and daddr rules ... }
 *   }
 *
 * Hosts and networks live in separate sets because nft (1.0) changes an
 * interval set's elements in time quadratic in the set's size (deleting
 * 10,000 hosts from one took 25 s), while a hash set takes 10,000 changes in
 * 0.1 s; networks are few. Networks must not overlap one another (the
 * kernel refuses it); a host inside a blocked network is its own element.
 * A block is one set element (an address or a network),
 * with the block's remaining time as the element's timeout: the kernel
 * expires it by itself, and psad's own expiry only has to forget it. The
 * chains come from the IPT_AUTO_CHAINn tuples: from_chain INPUT, OUTPUT,
 * FORWARD, PREROUTING or POSTROUTING gives the hook, the table the priority
 * (just before that table's chains: filter - 1, mangle - 1, raw - 1), the
 * direction the saddr/daddr rules and the target the verdict (DROP -> drop,
 * REJECT -> reject); to_chain names the chain. The base chains only drop or
 * reject members of the sets and accept everything else, so the rest of the
 * ruleset (nft or iptables-nft) sees every packet psad does not block.
 *
 * Every change set is one `nft -f -` transaction (atomic; 10,000 elements
 * take about 0.1 s), built from the table as the kernel holds it (`nft -j
 * list table inet psad`: sets with their elements, chains with their rules;
 * with prereq the table, sets and chains are created or repaired in the same
 * transaction). Only if the kernel refuses it is the change set split
 * (halves, recursively) so that one bad element does not fail the others.
 * The outcome of every op is then read back from the kernel the same way:
 * apply() of 10,000 blocks, reads included, takes 0.3-0.5 s. Commands are argument
 * lists (never a shell) and the transaction text is made only of parsed
 * addresses, fixed names and numbers.
 */
import { spawnSync } from 'child_process';
import { AutoChain } from './chains';
import { ApplyResult, FirewallBackend, FwOp } from './backend';
import { Runner } from './iptables';
import { Net, ipv4Text, ipv6Canonical, makeNet, netContains, parseNet } from '../net/addr';

/** The longest element timeout given to the kernel (ten years; nft refuses far larger values). */
export const MAX_TIMEOUT = 3650 * 86400;

/** Elements per `add element`/`delete element` statement (keeps nft's error lines short). */
const CHUNK = 256;

export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface NftRuleSpec {
  family: 4 | 6;
  field: 'saddr' | 'daddr';
  verdict: 'drop' | 'reject';
}

/** One base chain of psad's table, made from one or more IPT_AUTO_CHAINn tuples. */
export interface NftChainSpec {
  name: string;
  hook: NftHook;
  priority: number;
  /** the iptables target the tuples give (DROP/REJECT), for -S and the listing */
  target: string;
  rules: NftRuleSpec[];
  /** the tuple numbers (n of IPT_AUTO_CHAINn) */
  tuples: number[];
}

const HOOKS: Record<string, NftHook> = {
  PREROUTING: 'prerouting', INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', POSTROUTING: 'postrouting',
};

/** Standard priorities of the iptables tables (nft's names raw, mangle, filter, security; nat by hook). */
function tablePriority(table: string, hook: NftHook): number {
  switch (table.toLowerCase()) {
    case 'raw': return -300;
    case 'mangle': return -150;
    case 'security': return 50;
    case 'nat': return hook === 'prerouting' || hook === 'output' ? -100 : 100;
    default: return 0;
  }
}

/** An nft identifier (names are written unquoted: nft 1.0 does not take quoted chain names). */
const NFT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,30}$/;

/** The base chains of psad's table for the IPT_AUTO_CHAINn tuples; tuples nft cannot express are skipped with a message. */
export function nftChainSpecs(chains: AutoChain[], warn: (m: string) => void): NftChainSpec[] {
  const out: NftChainSpec[] = [];
  for (const c of chains) {
    const hook = HOOKS[c.fromChain.toUpperCase()];
    const where = `IPT_AUTO_CHAIN${c.n}`;
    if (!hook) {
      warn(`${where}: nftables blocking uses base chains only, and from_chain ${c.fromChain} is not INPUT, OUTPUT, FORWARD, PREROUTING or POSTROUTING; entry ignored`);
      continue;
    }
    const t = c.target.toUpperCase();
    if (t !== 'DROP' && t !== 'REJECT') {
      warn(`${where}: nftables blocking knows the targets DROP and REJECT, not ${c.target}; entry ignored`);
      continue;
    }
    const verdict = t === 'DROP' ? 'drop' : 'reject';
    const priority = tablePriority(c.table, hook) - 1;
    let name = NFT_NAME.test(c.toChain) ? c.toChain : `psad_${hook}_${c.n}`;
    let spec = out.find((s) => s.name === name);
    if (spec && (spec.hook !== hook || spec.priority !== priority)) {
      name = `${name}_${hook}_${c.n}`;
      spec = undefined;
    }
    if (!spec) {
      spec = { name, hook, priority, target: t, rules: [], tuples: [] };
      out.push(spec);
    } else if (spec.target !== t) spec.target = `${spec.target}/${t}`;
    spec.tuples.push(c.n);
    const fields: ('saddr' | 'daddr')[] = c.direction === 'src' ? ['saddr'] : c.direction === 'dst' ? ['daddr'] : ['saddr', 'daddr'];
    for (const family of [4, 6] as const) {
      for (const field of fields) {
        if (!spec.rules.some((r) => r.family === family && r.field === field && r.verdict === verdict)) spec.rules.push({ family, field, verdict });
      }
    }
  }
  return out;
}

/** The four sets: hosts in hash sets (fast to change by the 10,000), networks in interval sets. */
export type SetKind = 'block4' | 'block6' | 'block4net' | 'block6net';
export const SETS: readonly SetKind[] = ['block4', 'block6', 'block4net', 'block6net'];

function setOf(f: 4 | 6, net: boolean): SetKind {
  return `block${f}${net ? 'net' : ''}` as SetKind;
}

function setFamily(s: SetKind): 4 | 6 {
  return s.startsWith('block6') ? 6 : 4;
}

function setDecl(s: SetKind): { type: string; flags: string[] } {
  return { type: setFamily(s) === 6 ? 'ipv6_addr' : 'ipv4_addr', flags: s.endsWith('net') ? ['interval', 'timeout'] : ['timeout'] };
}

function isHost(n: Net): boolean {
  return n.prefix === 128;
}

/** The set a block of `n` is an element of. */
export function setFor(n: Net): SetKind {
  return setOf(n.v6 ? 6 : 4, !isHost(n));
}

function ruleTexts(r: NftRuleSpec): string[] {
  const p = r.family === 6 ? 'ip6' : 'ip';
  return [false, true].map((net) => `${p} ${r.field} @${setOf(r.family, net)} ${r.verdict}`);
}

/** Element text: an address, or network/len. Only parsed addresses get here. */
export function elementText(n: Net): string {
  if (!n.v6) {
    const len = n.prefix - 96;
    return len === 32 ? ipv4Text(n.addr.w3) : `${ipv4Text(n.addr.w3)}/${len}`;
  }
  return n.prefix === 128 ? ipv6Canonical(n.addr) : `${ipv6Canonical(n.addr)}/${n.prefix}`;
}

function family(n: Net): 4 | 6 {
  return n.v6 ? 6 : 4;
}

/** seconds as nft takes them: 0 (permanent) stays 0, the rest 1 .. MAX_TIMEOUT. */
export function normTimeout(t: number | undefined): number {
  if (t === undefined || t === 0 || Number.isNaN(t)) return 0;
  if (t < 0) return 1;
  return Math.min(Math.ceil(t), MAX_TIMEOUT);
}

/** An element as the kernel holds it. */
export interface SetElement {
  /** the element as elementText() writes it */
  text: string;
  /** seconds, 0 = permanent */
  timeout: number;
  /** seconds left (timeout elements) */
  expires: number;
}

export interface SetState {
  type: string;
  flags: string[];
  elems: Map<string, SetElement>;
  /** elements psad did not make and cannot name as a network (ranges) */
  other: string[];
}

export interface TableState {
  exists: boolean;
  sets: Map<string, SetState>;
  chains: Map<string, { type?: string; hook?: string; prio?: number; policy?: string; rules: string[] }>;
}

/** nft's text of an address is elementText()'s when it is plain dotted-quad or lower-case hex IPv6 (inet_ntop's form). */
const PLAIN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+)$/;

function keyOf(addr: string, len?: number): string {
  if (PLAIN.test(addr)) {
    // a network as elementText() writes it: host bits clear, /len only below the full length
    if (len === undefined) return addr;
    const n = parseNet(`${addr}/${len}`);
    return n ? elementText(n) : '';
  }
  const n = parseNet(len === undefined ? addr : `${addr}/${len}`);
  return n ? elementText(n) : '';
}

function parseElements(list: unknown[], st: SetState): void {
  for (const e of list) {
    let val: unknown = e;
    let timeout = 0;
    let expires = 0;
    if (e && typeof e === 'object' && 'elem' in e) {
      const el = (e as { elem: { val: unknown; timeout?: number; expires?: number } }).elem;
      val = el.val;
      timeout = el.timeout ?? 0;
      expires = el.expires ?? 0;
    }
    let text = '';
    if (typeof val === 'string') text = keyOf(val);
    else if (val && typeof val === 'object' && 'prefix' in val) {
      const p = (val as { prefix: { addr: string; len: number } }).prefix;
      text = keyOf(p.addr, p.len);
    }
    if (!text) {
      st.other.push(JSON.stringify(val));
      continue;
    }
    st.elems.set(text, { text, timeout, expires });
  }
}

/** A rule of psad's chains in the form ruleTexts() writes it, from nft's JSON ('' when it is something else). */
function jsonRuleText(expr: unknown[]): string {
  if (expr.length !== 2) return '';
  const m = (expr[0] as { match?: { op: string; left: { payload?: { protocol: string; field: string } }; right: unknown } }).match;
  const v = expr[1] as Record<string, unknown>;
  if (!m || m.op !== '==' || !m.left.payload || typeof m.right !== 'string') return '';
  const verdict = 'drop' in v ? 'drop' : 'reject' in v ? 'reject' : '';
  if (!verdict) return '';
  return `${m.left.payload.protocol} ${m.left.payload.field} ${m.right} ${verdict}`;
}

/** psad's table from `nft -j list table inet psad` (sets with their elements, chains with their rules). */
export function parseTableJson(text: string): TableState {
  const st: TableState = { exists: false, sets: new Map(), chains: new Map() };
  const doc = JSON.parse(text) as { nftables?: Record<string, Record<string, unknown>>[] };
  for (const o of doc.nftables ?? []) {
    if (o.table) st.exists = true;
    if (o.set) {
      const set: SetState = { type: String(o.set.type), flags: (o.set.flags as string[] | undefined) ?? [], elems: new Map(), other: [] };
      parseElements((o.set.elem as unknown[] | undefined) ?? [], set);
      st.sets.set(String(o.set.name), set);
    }
    if (o.chain) {
      const c = o.chain;
      st.chains.set(String(c.name), {
        type: c.type as string | undefined, hook: c.hook as string | undefined, prio: c.prio as number | undefined,
        policy: c.policy as string | undefined, rules: [],
      });
    }
    if (o.rule) st.chains.get(String(o.rule.chain))?.rules.push(jsonRuleText((o.rule.expr as unknown[]) ?? []));
  }
  return st;
}

const EMPTY: TableState = { exists: false, sets: new Map(), chains: new Map() };

/** spawnSync with an argument list, room for big listings (10,000s of elements). */
export const nftRunner: Runner = (cmd, args, input) => {
  const r = spawnSync(cmd, args, { encoding: 'latin1', input, timeout: 30000, maxBuffer: 256 << 20 });
  return { status: r.error ? 127 : r.status ?? 1, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : r.stderr ?? '' };
};

const ABSENT = /No such file or directory|does not exist/i;

/** A blocked-or-not decision for one address or network, from the ops of one change set. */
interface Group {
  key: string;
  set: SetKind;
  /** elementText(net) */
  text: string;
  net: Net;
  ops: FwOp[];
  cat: Map<FwOp, 'done' | 'already'>;
  present: boolean;
  timeout: number;
  del: boolean;
  add: boolean;
  error: string;
}

function overlaps(a: Net, b: Net): boolean {
  return netContains(a, b.addr) || netContains(b, a.addr);
}

/** Present elements by prefix length, for overlap tests without a full scan per host. */
class NetIndex {
  private byLen = new Map<number, Map<string, Net>>();

  add(n: Net): void {
    let m = this.byLen.get(n.prefix);
    if (!m) this.byLen.set(n.prefix, (m = new Map()));
    m.set(elementText(n), n);
  }

  delete(n: Net): void {
    this.byLen.get(n.prefix)?.delete(elementText(n));
  }

  /** An element other than n itself that overlaps n. */
  overlap(n: Net): Net | null {
    const self = elementText(n);
    for (const [len, m] of this.byLen) {
      if (!m.size) continue;
      if (len <= n.prefix) {
        // an element as wide or wider than n containing it
        const k = elementText(makeNet(n.addr, len));
        const hit = m.get(k);
        if (hit && hit.v6 === n.v6 && k !== self) return hit;
      } else {
        for (const e of m.values()) if (e.v6 === n.v6 && overlaps(n, e)) return e;
      }
    }
    return null;
  }
}

export interface NftBackendOptions {
  /** path of nft */
  nft: string;
  chains: AutoChain[];
  run?: Runner;
  log: (msg: string) => void;
  /** table name (default psad) */
  table?: string;
}

export class NftBackend implements FirewallBackend {
  readonly name = 'nftables' as const;
  readonly table: string;
  readonly specs: NftChainSpec[];

  constructor(private readonly o: NftBackendOptions) {
    this.table = o.table ?? 'psad';
    this.specs = nftChainSpecs(o.chains, o.log);
    if (!this.specs.length) o.log('no IPT_AUTO_CHAINn entry can be used with nftables: blocks are kept in the sets, but no chain drops them');
  }

  private get run(): Runner {
    return this.o.run ?? nftRunner;
  }

  private nft(args: string[], input?: string) {
    return this.run(this.o.nft, args, input);
  }

  /** `nft -f -` (or `nft -c -f -`) of a script; '' on success, else nft's message. */
  private load(script: string, check = false): string {
    const r = this.nft(check ? ['-c', '-f', '-'] : ['-f', '-'], script);
    if (r.status === 0) return '';
    return r.stderr.trim().split('\n').slice(0, 6).join('\n') || `nft exited with status ${r.status}`;
  }

  /** psad's table as the kernel holds it: sets with their elements, chains with their rules (one `nft -j list table`). */
  readTable(): TableState {
    const r = this.nft(['-j', 'list', 'table', 'inet', this.table]);
    if (r.status !== 0) {
      if (ABSENT.test(r.stderr)) return EMPTY;
      throw new Error(`nft list table inet ${this.table} failed: ${r.stderr.trim() || `exit status ${r.status}`}`);
    }
    return parseTableJson(r.stdout);
  }

  /**
   * The statements that create the table, the sets and the chains, or bring
   * them back to what the tuples say; empty when everything is in place.
   */
  prereqScript(t: TableState = this.readTable()): string {
    const T = `inet ${this.table}`;
    const out: string[] = [];
    const badSets = SETS.filter((n) => {
      const s = t.sets.get(n);
      const d = setDecl(n);
      return s && (s.type !== d.type || d.flags.some((f) => !s.flags.includes(f)) || s.flags.some((f) => !d.flags.includes(f)));
    });
    const wanted = new Map(this.specs.map((s) => [s.name, s]));
    // chains that are not ours any more, or whose hook/priority/policy changed: flushed and deleted
    const gone = [...t.chains].filter(([name, c]) => {
      const s = wanted.get(name);
      return !s || c.type !== 'filter' || c.hook !== s.hook || c.prio !== s.priority || c.policy !== 'accept';
    }).map(([name]) => name);
    // a set is deleted only when no rule refers to it any more
    const emptied = new Set<string>(gone);
    if (badSets.length) for (const name of t.chains.keys()) emptied.add(name);
    for (const name of emptied) out.push(`flush chain ${T} ${name}`);
    for (const name of gone) out.push(`delete chain ${T} ${name}`);
    for (const n of badSets) out.push(`delete set ${T} ${n}`);
    const body: string[] = [];
    for (const s of this.specs) {
      const have = t.chains.get(s.name);
      const fresh = !have || gone.includes(s.name);
      const rules = s.rules.flatMap(ruleTexts);
      const same = !fresh && !emptied.has(s.name) && have!.rules.length === rules.length && have!.rules.every((r, i) => r === rules[i]);
      if (same) continue;
      body.push(`add chain ${T} ${s.name} { type filter hook ${s.hook} priority ${s.priority}; policy accept; }`);
      if (!fresh && !emptied.has(s.name)) body.push(`flush chain ${T} ${s.name}`);
      for (const r of rules) body.push(`add rule ${T} ${s.name} ${r}`);
    }
    const setsOk = SETS.every((n) => t.sets.has(n) && !badSets.includes(n));
    if (t.exists && setsOk && !out.length && !body.length) return '';
    const decls = SETS.map((n) => `add set ${T} ${n} { type ${setDecl(n).type}; flags ${setDecl(n).flags.join(',')}; }`);
    return [`add table ${T}`, ...out, ...decls, ...body].join('\n') + '\n';
  }

  /** Groups ops per address/network and decides the element changes against the kernel's sets. */
  private plan(ops: FwOp[], t: TableState): Group[] {
    const groups = new Map<string, Group>();
    for (const op of ops) {
      const text = elementText(op.net);
      const set = setFor(op.net);
      const key = `${set} ${text}`;
      let g = groups.get(key);
      if (!g) {
        g = { key, set, text, net: op.net, ops: [], cat: new Map(), present: false, timeout: 0, del: false, add: false, error: '' };
        groups.set(key, g);
      }
      g.ops.push(op);
    }
    // networks may not overlap in an interval set: those adds are refused here (nft would refuse the whole transaction)
    const index = new NetIndex();
    for (const n of ['block4net', 'block6net'] as const) {
      for (const e of t.sets.get(n)?.elems.values() ?? []) {
        const net = parseNet(e.text);
        if (net) index.add(net);
      }
    }
    const list = [...groups.values()];
    for (const g of list) {
      const have = t.sets.get(g.set)?.elems.get(g.text);
      let present = !!have;
      let timeout = 0;
      for (const op of g.ops) {
        g.cat.set(op, op.add === present ? 'already' : 'done');
        present = op.add;
        if (op.add) timeout = normTimeout(op.timeout);
      }
      g.present = present;
      g.timeout = timeout;
      if (have && !present) g.del = true;
      if (!have && present) g.add = true;
      if (have && present) {
        // already blocked: the element gets the timeout asked for (a re-add with a new timeout)
        const differs = timeout === 0 ? have.timeout !== 0 : have.timeout === 0 || Math.abs(have.expires - timeout) > 2;
        if (differs || g.ops.some((o) => !o.add)) g.del = g.add = true;
      }
      if (g.del && !g.add && !isHost(g.net)) index.delete(g.net);
    }
    for (const g of list) {
      if (!g.add || g.del || isHost(g.net)) continue;
      const hit = index.overlap(g.net);
      if (hit) {
        g.error = `${g.text} overlaps ${elementText(hit)}, which is in the set inet ${this.table} ${g.set}`;
        g.add = false;
        continue;
      }
      index.add(g.net);
    }
    return list;
  }

  private elementsScript(groups: Group[]): string {
    const T = `inet ${this.table}`;
    const lines: string[] = [];
    for (const what of ['delete', 'add'] as const) {
      for (const set of SETS) {
        const els = groups
          .filter((g) => g.set === set && (what === 'delete' ? g.del : g.add))
          .map((g) => (what === 'add' && g.timeout ? `${g.text} timeout ${g.timeout}s` : g.text));
        for (let i = 0; i < els.length; i += CHUNK) lines.push(`${what} element ${T} ${set} { ${els.slice(i, i + CHUNK).join(', ')} }`);
      }
    }
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /**
   * The transaction apply() would load now (prerequisites included with
   * prereq), for `nft -c` or to show it.
   */
  script(ops: FwOp[], prereq: boolean): string {
    const t = this.readTable();
    return (prereq ? this.prereqScript(t) : '') + this.elementsScript(this.plan(ops, t));
  }

  /** Lets `nft -c` check a transaction without loading it; '' when nft takes it, else its message. */
  check(script: string): string {
    return this.load(script, true);
  }

  /**
   * One transaction: the prerequisites (with prereq) and every element
   * change. An add of an element already in the set is `already`, and the
   * element gets the timeout asked for when it differs by more than 2 s.
   */
  apply(ops: FwOp[], prereq: boolean): ApplyResult {
    const res: ApplyResult = { done: [], already: [], failed: [] };
    let t: TableState;
    try {
      t = this.readTable();
    } catch (e) {
      const msg = (e as Error).message;
      this.o.log(msg);
      for (const op of ops) res.failed.push({ op, error: msg });
      return res;
    }
    const pre = prereq ? this.prereqScript(t) : '';
    const groups = this.plan(ops, t);
    const work = groups.filter((g) => !g.error && (g.add || g.del));
    let err = '';
    if (pre || work.length) err = this.load(pre + this.elementsScript(work));
    if (err) {
      this.o.log(`nft refused the change set: ${err}`);
      if (pre) {
        const e = this.load(pre);
        if (e) this.o.log(`could not create table inet ${this.table}, its sets and chains: ${e}`);
      }
      // find the elements the kernel refuses: halves, recursively
      const attempt = (list: Group[]): void => {
        if (!list.length) return;
        const e = this.load(this.elementsScript(list));
        if (!e) return;
        if (list.length === 1) list[0].error = e;
        else split(list);
      };
      const split = (list: Group[]): void => {
        const h = list.length >> 1;
        attempt(list.slice(0, h));
        attempt(list.slice(h));
      };
      // the whole change set again only when it failed together with the prerequisites
      if (pre) attempt(work);
      else if (work.length === 1) work[0].error = err;
      else split(work);
    }
    // what the kernel holds now decides every op
    let after: TableState | null = null;
    try {
      after = this.readTable();
    } catch (e) {
      err = err || (e as Error).message;
    }
    for (const g of groups) {
      const st = after?.sets.get(g.set);
      const good = !!after && (st ? st.elems.has(g.text) : false) === g.present;
      for (const op of g.ops) {
        if (good) (g.cat.get(op) === 'already' ? res.already : res.done).push(op);
        else {
          const why = g.error || err || (g.present ? 'the element is not in the kernel set after the change' : 'the element is still in the kernel set after the change');
          res.failed.push({ op, error: why });
        }
      }
    }
    return res;
  }

  /** Flushes the sets of the families (delChains: deletes the whole table, both families' sets included). */
  flush(delChains: boolean, families: (4 | 6)[]): { ok: string[]; failed: string[] } {
    const ok: string[] = [];
    const failed: string[] = [];
    let t: TableState;
    try {
      t = this.readTable();
    } catch (e) {
      this.o.log((e as Error).message);
      return { ok, failed: [`inet table ${this.table}`] };
    }
    if (!t.exists) return { ok, failed };
    if (delChains) {
      const e = this.load(`delete table inet ${this.table}\n`);
      if (e) this.o.log(`could not delete table inet ${this.table}: ${e}`);
      (e ? failed : ok).push(`inet table ${this.table}`);
      return { ok, failed };
    }
    const sets = SETS.filter((n) => families.includes(setFamily(n)) && t.sets.has(n));
    if (!sets.length) return { ok, failed };
    const e = this.load(sets.map((n) => `flush set inet ${this.table} ${n}\n`).join(''));
    if (e) this.o.log(`could not flush the sets of inet ${this.table}: ${e}`);
    for (const n of sets) (e ? failed : ok).push(`inet ${this.table} ${n}`);
    return { ok, failed };
  }

  /** The blocks of one family (soonest expiry first) and the chains that drop them, for --fw-list-auto. */
  list(f: 4 | 6): string {
    let t: TableState;
    try {
      t = this.readTable();
    } catch (e) {
      return `[-] ${(e as Error).message}\n`;
    }
    const mine = SETS.filter((n) => setFamily(n) === f);
    if (!t.exists || !mine.every((n) => t.sets.has(n))) return `[-] Table: inet ${this.table}, sets: ${mine.join(', ')}, do not exist\n`;
    let out = '';
    for (const n of mine) {
      const st = t.sets.get(n)!;
      const k = st.elems.size + st.other.length;
      out += `Table: inet ${this.table}, set: ${n} (${k} element${k === 1 ? '' : 's'})\n`;
      const els = [...st.elems.values()].sort((a, b) => (a.timeout ? a.expires : Infinity) - (b.timeout ? b.expires : Infinity));
      for (const e of els) {
        const left = e.timeout ? `expires in ${e.expires} s (timeout ${e.timeout} s)` : 'permanent';
        out += `    ${e.text.padEnd(f === 6 ? 43 : 18)} ${left}\n`;
      }
      for (const o of st.other) out += `    ${o}\n`;
    }
    out += 'Chains:\n';
    for (const s of this.specs) {
      const c = t.chains.get(s.name);
      if (!c) {
        out += `    ${s.name}: does not exist\n`;
        continue;
      }
      const rules = c.rules.filter((r) => mine.some((n) => r.includes(`@${n} `)));
      out += `    ${s.name} (hook ${c.hook} priority ${c.prio}): ${rules.length ? rules.join('; ') : 'no rule for these sets'}\n`;
    }
    return `${out}\n`;
  }

  /** The chains (with their target) that drop a block of exactly `net`; empty when it is not in its set. */
  blockedIn(net: Net): string[] {
    let t: TableState;
    try {
      t = this.readTable();
    } catch {
      return [];
    }
    const set = setFor(net);
    if (!t.sets.get(set)?.elems.has(elementText(net))) return [];
    return this.specs.filter((s) => t.chains.get(s.name)?.rules.some((r) => r.includes(`@${set} `))).map((s) => `${s.name}(${s.target})`);
  }
}
