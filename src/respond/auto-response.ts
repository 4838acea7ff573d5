import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { PsadConfig } from '../config/config';
import { Net, Addr, parseNet, makeNet, netContains, netText, ipv4Text, ipv6Canonical, parseAddr } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { AutoDlEntry } from '../data/auto-dl';
import { FirewallBackend, FwOp, ApplyResult } from './backend';
import { blockTimeout, expired as blockExpired, remaining, timeoutText } from './block-expiry';

/** One blocked address or network. */
export interface BlockEntry {
  /** canonical CIDR text: the table key */
  key: string;
  net: Net;
  /** the address as psad shows it (the source as logged, or a.b.c.d/len) */
  text: string;
  /** epoch seconds the block was first added */
  since: number;
  /** the danger level the block was made for */
  dl: number;
}

export interface ResponseEnv {
  cfg: PsadConfig;
  /** null when IPTABLES_BLOCK_METHOD is N */
  backend: FirewallBackend | null;
  autoDl: AutoDlEntry[];
  /** HOME_NET networks; null when HOME_NET is "any" */
  homeNets: Net[] | null;
  /** this host's interface addresses */
  localAddrs: () => string[];
  log: (msg: string) => void;
  /** a status mail with an empty body */
  mail: (subject: string) => void;
  now: () => number;
  /** the current danger level of a source, if the engine knows it */
  currentDl?: (ip: string) => number | undefined;
  /** runs EXTERNAL_BLOCK_SCRIPT (argument list); default spawns it detached with a 30 s limit */
  runScript?: (argv: string[]) => void;
}

/** A never-block verdict: null when the address may be blocked. */
export type Refusal = string | null;

const LOOPBACK4 = parseNet('127.0.0.0/8')!;
const LOOPBACK6 = parseNet('::1/128')!;

export function keyOf(net: Net): string {
  return netText(net);
}

/** The address text psad shows for a network: a host without its mask, a network as addr/len. */
export function displayText(net: Net): string {
  const host = net.prefix === 128;
  const a = net.v6 ? ipv6Canonical(net.addr) : ipv4Text(net.addr.w3);
  if (host) return a;
  return `${a}/${net.v6 ? net.prefix : net.prefix - 96}`;
}

/** The network address of an address/len (10.1.2.3/24 -> 10.1.2.0/24). */
export function normaliseNet(net: Net): Net {
  return makeNet(net.addr, net.prefix);
}

function overlaps(a: Net, b: Net): boolean {
  return netContains(a, b.addr) || netContains(b, a.addr);
}

/** `<ip> <epoch>` lines of AUTO_BLOCK_IPT_FILE / AUTO_BLOCK_TCPWR_FILE (a legacy line has no epoch). */
export function readRecordFile(file: string, now: number, warn: (m: string) => void): { net: Net; text: string; since: number }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    return [];
  }
  const out: { net: Net; text: string; since: number }[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(\S+)(?:\s+(\d+))?\s*$/.exec(line);
    if (!m) {
      if (line.trim()) warn(`${file}:${i + 1}: ignoring malformed block record "${line.slice(0, 80)}"`);
      return;
    }
    const net = parseNet(m[1]);
    if (!net) {
      warn(`${file}:${i + 1}: ignoring block record with an invalid address "${m[1].slice(0, 80)}"`);
      return;
    }
    const n = normaliseNet(net);
    const key = keyOf(n);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ net: n, text: m[1].includes('/') ? displayText(n) : m[1], since: m[2] ? Number(m[2]) : now });
  });
  return out;
}

/** Rewrites a record file through <file>.tmp and a rename (mode 0600). */
export function writeRecordFile(file: string, entries: { text: string; since: number }[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, entries.map((e) => `${e.text} ${e.since}\n`).join(''), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * One `add`/`del`/`flush` request of the control socket or the command line,
 * parsed. Addresses may be IPv4 or IPv6, hosts or networks (addr/len,
 * addr/mask); a network is blocked as the network (psad 2.4.6 blocks its
 * first address as a /32, R3).
 */
export type SocketCmd = { kind: 'add' | 'del'; net: Net; text: string } | { kind: 'flush'; delChains: boolean };

export function parseSocketLine(line: string): SocketCmd | null {
  if (/flush/i.test(line)) return { kind: 'flush', delChains: /delchains/i.test(line) };
  const m = /(?:^|\s)(add|del)\s+(\S+)\s*$/i.exec(line);
  if (!m) return null;
  const net = parseUserNet(m[2]);
  if (!net) return null;
  const n = normaliseNet(net);
  return { kind: m[1].toLowerCase() as 'add' | 'del', net: n, text: displayText(n) };
}

interface Pending {
  entry: BlockEntry;
  tries: number;
  renew: boolean;
}

/**
 * psad's automated response: the table of blocked addresses, what goes into
 * the firewall (through a FirewallBackend) and hosts.deny, the record files
 * that carry blocks across restarts, expiry, the never-block rules and the
 * control-socket commands. All kernel changes of one step go to the backend
 * as one change set, and the table follows what the backend reports the
 * kernel holds.
 */
export class AutoResponse {
  readonly blocked = new Map<string, BlockEntry>();
  readonly tcpwr = new Map<string, BlockEntry>();
  private readonly retryAdd = new Map<string, Pending>();
  private readonly retryDel = new Map<string, { entry: BlockEntry; tries: number }>();
  private applyCount = 0;
  static readonly MAX_TRIES = 5;

  constructor(public env: ResponseEnv) {}

  private get cfg(): PsadConfig {
    return this.env.cfg;
  }

  private fwWord(net: Net): string {
    const b = this.env.backend;
    if (b && b.name === 'nftables') return 'nftables';
    return net.v6 ? 'ip6tables' : 'iptables';
  }

  private mailOk(dl: number): boolean {
    return this.cfg.get('ENABLE_AUTO_IDS_EMAILS') === 'Y' && dl >= this.cfg.num('EMAIL_ALERT_DANGER_LEVEL');
  }

  private statusMail(text: string): void {
    this.env.mail(`${this.cfg.get('MAIL_STATUS_PREFIX')} ${text}`);
  }

  // ---------------------------------------------------------------- never-block

  /**
   * Why an address or network must not be blocked, or null. Applies to
   * detector blocks, socket requests and the command line alike (psad 2.4.6
   * checks neither local addresses with current ifconfig output (R6) nor
   * socket requests (R3)).
   */
  refusal(net: Net): Refusal {
    const unspecified = (net.v6 ? net.addr.w0 | net.addr.w1 | net.addr.w2 | net.addr.w3 : net.addr.w3) === 0;
    if (unspecified) return net.prefix === 128 ? 'it is the unspecified address' : 'it covers every address';
    if (overlaps(net, net.v6 ? LOOPBACK6 : LOOPBACK4)) return 'it is a loopback address';
    for (const a of this.env.localAddrs()) {
      const addr = parseAddr(a);
      if (addr && addr.v6 === net.v6 && netContains(net, addr)) return `${a} is an address of this host`;
    }
    for (const e of this.env.autoDl) {
      if (e.dl === 0 && e.net.v6 === net.v6 && overlaps(net, e.net)) {
        return `it overlaps with whitelisted ${netText(e.net)} in ${this.cfg.get('AUTO_DL_FILE')}`;
      }
    }
    if (this.env.homeNets && this.cfg.opt('AUTO_BLOCK_HOME_NET', 'N') !== 'Y') {
      for (const h of this.env.homeNets) {
        if (h.v6 === net.v6 && overlaps(net, h)) return `it is in HOME_NET (${netText(h)}; set AUTO_BLOCK_HOME_NET to Y to allow this)`;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- records

  private saveIpt(): void {
    try {
      writeRecordFile(this.cfg.get('AUTO_BLOCK_IPT_FILE'), [...this.blocked.values()]);
    } catch (e) {
      this.env.log(`could not write ${this.cfg.get('AUTO_BLOCK_IPT_FILE')}: ${(e as Error).message}`);
    }
  }

  private saveTcpwr(): void {
    try {
      writeRecordFile(this.cfg.get('AUTO_BLOCK_TCPWR_FILE'), [...this.tcpwr.values()]);
    } catch (e) {
      this.env.log(`could not write ${this.cfg.get('AUTO_BLOCK_TCPWR_FILE')}: ${(e as Error).message}`);
    }
  }

  private prereqDue(): boolean {
    const n = this.cfg.num('IPTABLES_PREREQ_CHECK');
    this.applyCount++;
    if (n <= 0) return false;
    if (n === 1) return true;
    return (this.applyCount - 1) % (n - 1) === 0;
  }

  private apply(ops: FwOp[]): ApplyResult {
    const b = this.env.backend!;
    return b.apply(ops, this.prereqDue());
  }

  private remaining(e: BlockEntry, now: number): number {
    return remaining(e.since, now, blockTimeout(this.cfg, this.dlOf(e)));
  }

  private dlOf(e: BlockEntry): number {
    return this.env.currentDl?.(e.text) ?? e.dl;
  }

  // ---------------------------------------------------------------- start-up

  /**
   * Daemon start-up: FLUSH_IPT_AT_INIT empties psad's chains, then every
   * recorded block that has not expired is put back with its original time
   * (psad 2.4.6 truncates the record first, so no block survives a restart,
   * R1), and hosts.deny blocks are tracked again (R5). After an unclean exit
   * (`keepRules`) nothing is flushed: the rules in the kernel are found
   * again and kept.
   */
  startup(o: { keepRules?: boolean } = {}): void {
    const c = this.cfg;
    const now = this.env.now();
    const warn = (m: string) => this.env.log(m);
    // keepRules: psad resumes after an unclean exit, its blocks stay in place without a gap
    if (c.get('FLUSH_IPT_AT_INIT') === 'Y' && this.env.backend && !o.keepRules) this.flushFirewall(false);
    const dl = c.num('AUTO_IDS_DANGER_LEVEL');
    if (this.env.backend && c.get('IPTABLES_BLOCK_METHOD') === 'Y') {
      const records = readRecordFile(c.get('AUTO_BLOCK_IPT_FILE'), now, warn);
      const renew: FwOp[] = [];
      const expired: FwOp[] = [];
      const entries = new Map<FwOp, BlockEntry>();
      for (const r of records) {
        const e: BlockEntry = { key: keyOf(r.net), net: r.net, text: r.text, since: r.since, dl };
        const op: FwOp = blockExpired(r.since, now, blockTimeout(c, dl)) ? { net: r.net, add: false } : { net: r.net, add: true, timeout: this.remaining(e, now) };
        entries.set(op, e);
        (op.add ? renew : expired).push(op);
      }
      if (expired.length) {
        const res = this.apply(expired);
        for (const op of [...res.done, ...res.already]) this.env.log(`removed ${this.fwWord(op.net)} auto-block against ${entries.get(op)!.text}`);
        for (const f of res.failed) {
          this.env.log(`could not remove ${this.fwWord(f.op.net)} block rule for ${entries.get(f.op)!.text}: ${f.error}`);
          this.retryDel.set(entries.get(f.op)!.key, { entry: entries.get(f.op)!, tries: 1 });
        }
      }
      if (renew.length) {
        const res = this.apply(renew);
        for (const op of res.already) {
          const e = entries.get(op)!;
          this.blocked.set(e.key, e);
          this.env.log(`block rule for IP: ${e.text} already exists`);
        }
        for (const op of res.done) {
          const e = entries.get(op)!;
          this.blocked.set(e.key, e);
          this.renewed(e);
        }
        for (const f of res.failed) {
          const e = entries.get(f.op)!;
          this.env.log(`could not add ${this.fwWord(e.net)} block rule for: ${e.text}: ${f.error}`);
          this.retryAdd.set(e.key, { entry: e, tries: 1, renew: true });
        }
      }
      this.saveIpt();
    }
    if (c.get('TCPWRAPPERS_BLOCK_METHOD') === 'Y') {
      for (const r of readRecordFile(c.get('AUTO_BLOCK_TCPWR_FILE'), now, warn)) {
        this.tcpwr.set(keyOf(r.net), { key: keyOf(r.net), net: r.net, text: r.text, since: r.since, dl });
      }
      this.expireTcpwr(now);
      this.saveTcpwr();
    }
  }

  private renewed(e: BlockEntry): void {
    const t = timeoutText(blockTimeout(this.cfg, e.dl));
    this.env.log(`renewed ${this.fwWord(e.net)} auto-block against ${e.text} ${t}`);
    if (this.cfg.get('ENABLE_RENEW_BLOCK_EMAILS') === 'Y' && this.mailOk(e.dl)) this.statusMail(`renewed ${this.fwWord(e.net)} auto-block against ${e.text} ${t}`);
    this.extScript(e);
  }

  // ---------------------------------------------------------------- blocking

  /**
   * The detector's decision after a batch: sources seen in it whose danger
   * level reached AUTO_IDS_DANGER_LEVEL (and, with ENABLE_AUTO_IDS_REGEX,
   * that logged a matching prefix in it) are blocked by every enabled method.
   */
  afterBatch(sources: Iterable<string>, dlOf: (ip: string) => number | undefined, regexMatched: (ip: string) => boolean): void {
    const c = this.cfg;
    const minDl = c.num('AUTO_IDS_DANGER_LEVEL');
    const useRegex = c.get('ENABLE_AUTO_IDS_REGEX') === 'Y' && c.get('AUTO_BLOCK_REGEX') !== 'NONE';
    const ipt = c.get('IPTABLES_BLOCK_METHOD') === 'Y' && this.env.backend !== null;
    const tcpwr = c.get('TCPWRAPPERS_BLOCK_METHOD') === 'Y';
    const want: BlockEntry[] = [];
    for (const src of sources) {
      const dl = dlOf(src);
      if (dl === undefined || dl < minDl) continue;
      const net = parseNet(src);
      if (!net) continue;
      const key = keyOf(net);
      if ((!ipt || this.blocked.has(key) || this.retryAdd.has(key)) && (!tcpwr || this.tcpwr.has(key))) continue;
      if (this.refusal(net) !== null) continue;
      if (useRegex && !regexMatched(src)) continue;
      const e: BlockEntry = { key, net, text: src, since: this.env.now(), dl };
      if (tcpwr && !this.tcpwr.has(key)) this.tcpwrBlock(e);
      if (ipt && !this.blocked.has(key) && !this.retryAdd.has(key)) want.push(e);
    }
    if (want.length) this.block(want);
  }

  /** Blocks entries with the firewall backend (one change set) and reports each outcome. */
  block(entries: BlockEntry[], renew = false): void {
    const now = this.env.now();
    const ops = new Map<FwOp, BlockEntry>();
    for (const e of entries) ops.set({ net: e.net, add: true, timeout: this.remaining(e, now) }, e);
    const res = this.apply([...ops.keys()]);
    let changed = false;
    for (const op of res.already) {
      const e = ops.get(op)!;
      this.env.log(`block rule for IP: ${e.text} already exists`);
      this.blocked.set(e.key, e);
      this.retryAdd.delete(e.key);
      changed = true;
    }
    for (const op of res.done) {
      const e = ops.get(op)!;
      this.blocked.set(e.key, e);
      this.retryAdd.delete(e.key);
      changed = true;
      if (renew) {
        this.renewed(e);
        continue;
      }
      const t = timeoutText(blockTimeout(this.cfg, e.dl));
      this.env.log(`added ${this.fwWord(e.net)} auto-block against ${e.text} ${t}`);
      if (this.mailOk(e.dl)) this.statusMail(`added ${this.fwWord(e.net)} auto-block against ${e.text} ${t}`);
      this.extScript(e);
    }
    for (const f of res.failed) {
      const e = ops.get(f.op)!;
      const tries = (this.retryAdd.get(e.key)?.tries ?? 0) + 1;
      if (tries >= AutoResponse.MAX_TRIES) {
        this.env.log(`could not add ${this.fwWord(e.net)} block rule for: ${e.text}: ${f.error} (giving up after ${tries} attempts)`);
        this.retryAdd.delete(e.key);
      } else {
        this.env.log(`could not add ${this.fwWord(e.net)} block rule for: ${e.text}: ${f.error} (will retry)`);
        this.retryAdd.set(e.key, { entry: e, tries, renew });
      }
    }
    if (changed) this.saveIpt();
  }

  /** Removes blocks (one change set); an entry leaves the table once the kernel no longer holds it. */
  unblock(entries: BlockEntry[], reason: 'expired' | 'request'): void {
    const ops = new Map<FwOp, BlockEntry>();
    for (const e of entries) ops.set({ net: e.net, add: false }, e);
    const res = this.apply([...ops.keys()]);
    let changed = false;
    for (const op of res.done) {
      const e = ops.get(op)!;
      this.blocked.delete(e.key);
      this.retryDel.delete(e.key);
      changed = true;
      this.env.log(`removed ${this.fwWord(e.net)} auto-block against ${e.text}`);
      if (this.mailOk(this.dlOf(e))) this.statusMail(`removed ${this.fwWord(e.net)} block against ${e.text}`);
    }
    for (const op of res.already) {
      const e = ops.get(op)!;
      if (this.blocked.delete(e.key)) changed = true;
      this.retryDel.delete(e.key);
      this.env.log(`warning: could not remove ${this.fwWord(e.net)} block rule for ${e.text}: it is not in the firewall`);
    }
    for (const f of res.failed) {
      const e = ops.get(f.op)!;
      const tries = (this.retryDel.get(e.key)?.tries ?? 0) + 1;
      this.env.log(`could not remove ${this.fwWord(e.net)} block rule for ${e.text}: ${f.error}${tries < AutoResponse.MAX_TRIES ? ' (will retry)' : ''}`);
      if (tries < AutoResponse.MAX_TRIES) this.retryDel.set(e.key, { entry: e, tries });
      else this.retryDel.delete(e.key);
    }
    if (changed) this.saveIpt();
    void reason;
  }

  /** Expiry (every iteration): blocks older than their level's timeout are removed. */
  expire(): void {
    const now = this.env.now();
    const due: BlockEntry[] = [];
    for (const e of this.blocked.values()) {
      if (blockExpired(e.since, now, blockTimeout(this.cfg, this.dlOf(e)))) due.push(e);
    }
    for (const r of this.retryDel.values()) if (!due.includes(r.entry)) due.push(r.entry);
    if (due.length && this.env.backend) this.unblock(due, 'expired');
    if (this.retryAdd.size && this.env.backend) {
      const byRenew = [...this.retryAdd.values()];
      const again = byRenew.filter((p) => !p.renew).map((p) => p.entry);
      const renew = byRenew.filter((p) => p.renew).map((p) => p.entry);
      if (again.length) this.block(again);
      if (renew.length) this.block(renew, true);
    }
    if (this.tcpwr.size) this.expireTcpwr(now);
  }

  /**
   * Puts back any block the kernel lost (a rule deleted by hand, a firewall
   * reload): the table is what psad promised, the kernel must hold it.
   */
  reconcile(): void {
    if (!this.env.backend || !this.blocked.size) return;
    const now = this.env.now();
    const entries = [...this.blocked.values()];
    const ops = new Map<FwOp, BlockEntry>();
    for (const e of entries) ops.set({ net: e.net, add: true, timeout: this.remaining(e, now) }, e);
    const res = this.env.backend.apply([...ops.keys()], true);
    for (const op of res.done) this.env.log(`restored ${this.fwWord(op.net)} auto-block against ${ops.get(op)!.text}: the rule was missing from the firewall`);
    for (const f of res.failed) this.env.log(`could not restore ${this.fwWord(f.op.net)} block rule for ${ops.get(f.op)!.text}: ${f.error}`);
  }

  // ---------------------------------------------------------------- socket / command line

  /**
   * Commands from the control socket (or the command line when no daemon
   * runs): consecutive adds and dels go to the firewall as one change set.
   */
  commands(cmds: SocketCmd[]): void {
    const dl = this.cfg.num('AUTO_IDS_DANGER_LEVEL');
    let adds: BlockEntry[] = [];
    let dels: BlockEntry[] = [];
    const pending = new Set<string>();
    const flushOps = () => {
      if (adds.length && this.env.backend) this.block(adds);
      if (dels.length && this.env.backend) this.unblock(dels, 'request');
      adds = [];
      dels = [];
      pending.clear();
    };
    for (const c of cmds) {
      if (c.kind === 'flush') {
        flushOps();
        this.flush(c.delChains);
        continue;
      }
      const key = keyOf(c.net);
      if (pending.has(key)) flushOps();
      pending.add(key);
      if (c.kind === 'add') {
        const why = this.refusal(c.net);
        if (why) {
          this.env.log(`refusing to block ${c.text}: ${why}`);
          continue;
        }
        if (this.blocked.has(key)) continue;
        adds.push({ key, net: c.net, text: c.text, since: this.env.now(), dl });
      } else {
        dels.push(this.blocked.get(key) ?? { key, net: c.net, text: c.text, since: this.env.now(), dl });
      }
    }
    flushOps();
  }

  // ---------------------------------------------------------------- flush

  private flushFirewall(delChains: boolean): void {
    this.env.log('flushing existing psad iptables auto-response chains');
    const r = this.env.backend!.flush(delChains, [4, 6]);
    for (const m of r.ok) this.env.log(m);
    for (const m of r.failed) this.env.log(m);
  }

  /** Flush (and with delChains delete) psad's chains, the block table, the records and the hosts.deny blocks. */
  flush(delChains: boolean): void {
    if (this.env.backend) this.flushFirewall(delChains);
    this.blocked.clear();
    this.retryAdd.clear();
    this.retryDel.clear();
    const f = this.cfg.get('AUTO_BLOCK_IPT_FILE');
    if (fs.existsSync(f)) this.saveIpt();
    const tf = this.cfg.get('AUTO_BLOCK_TCPWR_FILE');
    if (fs.existsSync(tf)) {
      this.env.log('removing tcpwrapper auto-generated block rules.');
      const recs = readRecordFile(tf, this.env.now(), (m) => this.env.log(m));
      for (const r of recs) this.tcpwrRemove(r.text);
      for (const e of this.tcpwr.values()) this.tcpwrRemove(e.text);
      this.tcpwr.clear();
      this.saveTcpwr();
      if (!recs.length) this.env.log('currently there are no auto-generated tcpwrapper blocking rules in effect.');
    }
  }

  // ---------------------------------------------------------------- tcpwrappers

  private hostsDeny(): string {
    return this.cfg.get('ETC_HOSTS_DENY_FILE');
  }

  private tcpwrPresent(ip: string): boolean {
    try {
      const lines = fs.readFileSync(this.hostsDeny(), 'latin1').split('\n');
      return lines.some((l) => new RegExp(`ALL:\\s+${ip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(l));
    } catch {
      return false;
    }
  }

  private tcpwrBlock(e: BlockEntry): void {
    const t = timeoutText(blockTimeout(this.cfg, e.dl));
    this.env.log(`initiating tcpwrappers auto-block against ${e.text} ${t}`);
    if (this.mailOk(e.dl)) this.statusMail(`tcpwrappers AUTO-BLOCK against ${e.text} ${t}`);
    try {
      if (!this.tcpwrPresent(e.text)) fs.appendFileSync(this.hostsDeny(), `ALL: ${e.text}\n`);
      this.tcpwr.set(e.key, e);
      this.saveTcpwr();
    } catch (err) {
      this.env.log(`could not add tcpwrappers block for ${e.text}: ${(err as Error).message}`);
    }
  }

  private tcpwrRemove(ip: string): boolean {
    const file = this.hostsDeny();
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch {
      return false;
    }
    const re = new RegExp(`ALL:\\s+${ip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const lines = text.split('\n');
    const trailing = text.endsWith('\n');
    if (trailing) lines.pop();
    const keep = lines.filter((l) => !re.test(l));
    if (keep.length === lines.length) return false;
    const mode = fs.statSync(file).mode & 0o7777;
    fs.writeFileSync(`${file}.tmp`, keep.map((l) => `${l}\n`).join(''), { mode });
    fs.chmodSync(`${file}.tmp`, mode);
    fs.renameSync(`${file}.tmp`, file);
    return true;
  }

  private expireTcpwr(now: number): void {
    let changed = false;
    for (const e of [...this.tcpwr.values()]) {
      if (!blockExpired(e.since, now, blockTimeout(this.cfg, this.dlOf(e)))) continue;
      try {
        if (this.tcpwrRemove(e.text) && this.mailOk(this.dlOf(e))) this.statusMail(`removed tcpwrappers block against ${e.text} (timeout expired).`);
      } catch (err) {
        this.env.log(`could not remove tcpwrappers block for ${e.text}: ${(err as Error).message}`);
        continue;
      }
      this.tcpwr.delete(e.key);
      changed = true;
    }
    if (changed) this.saveTcpwr();
  }

  // ---------------------------------------------------------------- external script

  private extScript(e: BlockEntry): void {
    const c = this.cfg;
    if (c.get('ENABLE_EXT_BLOCK_SCRIPT_EXEC') !== 'Y') return;
    const argv = externalBlockArgv(c.get('EXTERNAL_BLOCK_SCRIPT'), e.text);
    if (!argv.length) return;
    (this.env.runScript ?? defaultRunScript((m) => this.env.log(m)))(argv);
  }
}

/**
 * EXTERNAL_BLOCK_SCRIPT as an argument list: split on blanks, the first
 * SRCIP replaced by the address (as psad 2.4.6 replaces only the first).
 * psad 2.4.6 hands the line to a shell; here no shell ever sees it.
 */
export function externalBlockArgv(script: string, ip: string): string[] {
  const argv = script.trim().split(/\s+/).filter((x) => x);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].includes('SRCIP')) {
      argv[i] = argv[i].replace('SRCIP', ip);
      break;
    }
  }
  return argv;
}

function defaultRunScript(log: (m: string) => void): (argv: string[]) => void {
  return (argv) => {
    try {
      const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: false });
      const timer = setTimeout(() => child.kill('SIGTERM'), 30000);
      timer.unref();
      child.on('error', (err) => log(`could not run ${argv[0]}: ${err.message}`));
      child.on('exit', () => clearTimeout(timer));
    } catch (err) {
      log(`could not run ${argv[0]}: ${(err as Error).message}`);
    }
  };
}

/** Address of an Addr as text (exported for callers that build BlockEntry values). */
export function addrOf(a: Addr): string {
  return a.v6 ? ipv6Canonical(a) : ipv4Text(a.w3);
}
