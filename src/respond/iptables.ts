import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AutoChain } from './chains';
import { Net, netText } from '../net/addr';
import { ApplyResult, FirewallBackend, FwOp } from './backend';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument list (never a shell). */
export type Runner = (cmd: string, args: string[], input?: string) => RunResult;

export const spawnRunner: Runner = (cmd, args, input) => {
  const r = spawnSync(cmd, args, { encoding: 'latin1', input, timeout: 30000, maxBuffer: 512 << 20 });
  return { status: r.error ? 127 : r.status ?? 1, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : r.stderr ?? '' };
};


/** A rule of `iptables -S CHAIN` reduced to what psad's rules are made of. */
interface ParsedRule {
  spec: string;
  src: string;
  dst: string;
  target: string;
  /** only -s/-d/-j (and target options): a rule psad could have made */
  plain: boolean;
}

function parseRule(line: string, chain: string): ParsedRule | null {
  const prefix = `-A ${chain} `;
  if (!line.startsWith(prefix)) return null;
  const spec = line.slice(prefix.length);
  const t = spec.split(/\s+/);
  let src = '';
  let dst = '';
  let target = '';
  let plain = true;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '-s') src = t[++i];
    else if (t[i] === '-d') dst = t[++i];
    else if (t[i] === '-j') {
      target = t[++i];
      break;
    } else plain = false;
  }
  return { spec, src, dst, target, plain };
}

function family(n: Net): 4 | 6 {
  return n.v6 ? 6 : 4;
}

/** IPv6 text as inet_ntop (and so iptables -S) prints it. */
function ntop6(n: Net): string {
  const a = n.addr;
  const g = [a.w0 >>> 16, a.w0 & 0xffff, a.w1 >>> 16, a.w1 & 0xffff, a.w2 >>> 16, a.w2 & 0xffff, a.w3 >>> 16, a.w3 & 0xffff];
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${g[6] >>> 8}.${g[6] & 255}.${g[7] >>> 8}.${g[7] & 255}`;
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Address text as iptables -S prints it (a.b.c.d/32, inet_ntop IPv6/128). */
export function ruleAddr(n: Net): string {
  return n.v6 ? `${ntop6(n)}/${n.prefix}` : netText(n);
}

/**
 * iptables/ip6tables for psad's auto-blocking chains. Every command is an
 * argument list with -w (wait for the xtables lock), commands run one at a
 * time, and a change set is applied with one iptables-restore --noflush
 * transaction per table; the result is read back from the kernel, so the
 * caller's block table follows what the kernel really holds.
 */
export class IptablesBackend implements FirewallBackend {
  readonly name = 'iptables' as const;

  constructor(private readonly o: {
    iptables: string;
    ip6tables: string;
    chains: AutoChain[];
    run?: Runner;
    log: (msg: string) => void;
    /**
     * FW_CMD_ARGS of ENABLE_OVERRIDE_FW_CMD when FW_CMD is firewall-cmd
     * (e.g. --direct --passthrough ipv4): put before every command, "ipv4"
     * becoming "ipv6" for ip6tables; changes then go one command at a time.
     */
    prefixArgs?: string[];
  }) {}

  private get run(): Runner {
    return this.o.run ?? spawnRunner;
  }

  private bin(f: 4 | 6): string {
    return f === 6 ? this.o.ip6tables : this.o.iptables;
  }

  private prefix(f: 4 | 6): string[] {
    return (this.o.prefixArgs ?? []).map((a) => (f === 6 && a === 'ipv4' ? 'ipv6' : a));
  }

  /** <fw>-restore beside the binary, when there is one and no firewall-cmd prefix is in use. */
  private restoreBin(f: 4 | 6): string | null {
    if (this.o.prefixArgs?.length) return null;
    const b = this.bin(f);
    const r = path.join(path.dirname(b), `${path.basename(b)}-restore`);
    return this.o.run || fs.existsSync(r) ? r : null;
  }

  /** `<fw> -w <args>`, retried while the xtables lock is busy. */
  exec(f: 4 | 6, args: string[]): RunResult {
    let r: RunResult = { status: 1, stdout: '', stderr: '' };
    for (let i = 0; i < 3; i++) {
      r = this.run(this.bin(f), [...this.prefix(f), '-w', ...args]);
      if (r.status === 0 && /COMMAND_FAILED/.test(r.stdout)) r = { ...r, status: 1, stderr: r.stdout };
      if (r.status !== 4 || !/lock/i.test(r.stderr)) break;
    }
    return r;
  }

  chainExists(f: 4 | 6, table: string, chain: string): boolean {
    return this.exec(f, ['-t', table, '-S', chain]).status === 0;
  }

  /** The `-A` lines of a chain (null if the chain cannot be listed). */
  rules(f: 4 | 6, table: string, chain: string): string[] | null {
    const r = this.exec(f, ['-t', table, '-S', chain]);
    if (r.status !== 0) return null;
    return r.stdout.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
  }

  /** Creates psad's chains and the jump rules into them (IPTABLES_PREREQ_CHECK). */
  ensureChains(f: 4 | 6): string[] {
    const errors: string[] = [];
    for (const c of this.o.chains) {
      if (!this.chainExists(f, c.table, c.toChain)) {
        const r = this.exec(f, ['-t', c.table, '-N', c.toChain]);
        if (r.status !== 0) {
          errors.push(`could not create ${c.table} ${c.toChain} chain: ${r.stderr.trim()}`);
          continue;
        }
      }
      const from = this.rules(f, c.table, c.fromChain);
      if (from === null) {
        errors.push(`could not list ${c.table} ${c.fromChain} chain`);
        continue;
      }
      const hasJump = from.some((l) => {
        const p = parseRule(l, c.fromChain);
        return p && p.plain && !p.src && !p.dst && p.target === c.toChain && p.spec.trim() === `-j ${c.toChain}`;
      });
      if (!hasJump) {
        const pos = Math.min(c.jumpPosition, from.length + 1);
        const r = this.exec(f, ['-t', c.table, '-I', c.fromChain, String(pos), '-j', c.toChain]);
        if (r.status !== 0) errors.push(`could not add jump rule to ${c.toChain} chain: ${r.stderr.trim()}`);
      }
    }
    return errors;
  }

  /** The rules a block of `net` consists of in tuple c: [-s net] and/or [-d net]. */
  private wanted(c: AutoChain, net: Net): { src: string; dst: string }[] {
    const a = ruleAddr(net);
    if (c.direction === 'src') return [{ src: a, dst: '' }];
    if (c.direction === 'dst') return [{ src: '', dst: a }];
    return [{ src: a, dst: '' }, { src: '', dst: a }];
  }

  /** psad's rules of a chain indexed by target, source and destination. */
  private index(rules: ParsedRule[]): Map<string, ParsedRule[]> {
    const m = new Map<string, ParsedRule[]>();
    for (const r of rules) {
      if (!r.plain) continue;
      const k = `${r.target} ${r.src} ${r.dst}`;
      const l = m.get(k);
      if (l) l.push(r);
      else m.set(k, [r]);
    }
    return m;
  }

  private present(rules: Map<string, ParsedRule[]>, c: AutoChain, w: { src: string; dst: string }): ParsedRule[] {
    return rules.get(`${c.target} ${w.src} ${w.dst}`) ?? [];
  }

  /** Applies blocks/unblocks of one family as one restore transaction per table, then checks the result. */
  apply(ops: FwOp[], prereq: boolean): ApplyResult {
    const res: ApplyResult = { done: [], already: [], failed: [] };
    for (const f of [4, 6] as const) {
      const mine = ops.filter((o) => family(o.net) === f);
      if (!mine.length) continue;
      if (prereq) for (const e of this.ensureChains(f)) this.o.log(e);
      const before = new Map<number, Map<string, ParsedRule[]>>();
      const ordered = new Map<number, ParsedRule[]>();
      const dels = new Map<number, Set<ParsedRule>>();
      const adds = new Map<number, string[]>();
      const states = new Map<FwOp, boolean>();
      for (const [i, c] of this.o.chains.entries()) {
        const list = (this.rules(f, c.table, c.toChain) ?? []).map((l) => parseRule(l, c.toChain)!).filter((x) => x);
        ordered.set(i, list);
        before.set(i, this.index(list));
        dels.set(i, new Set());
        adds.set(i, []);
      }
      for (const op of mine) {
        let already = op.add;
        for (const [i, c] of this.o.chains.entries()) {
          for (const w of this.wanted(c, op.net)) {
            const have = this.present(before.get(i)!, c, w);
            if (op.add) {
              if (have.length) continue;
              already = false;
              adds.get(i)!.push([w.src ? `-s ${w.src}` : '', w.dst ? `-d ${w.dst}` : '', `-j ${c.target}`].filter((x) => x).join(' '));
            } else {
              for (const r of have) dels.get(i)!.add(r);
              if (have.length) already = false;
            }
          }
        }
        states.set(op, already);
      }
      // per chain: deletions (many of them: the chain rebuilt in the same transaction), then insertions
      const tables = new Map<string, string[]>();
      for (const [i, c] of this.o.chains.entries()) {
        const script = tables.get(c.table) ?? [];
        tables.set(c.table, script);
        const d = dels.get(i)!;
        const list = ordered.get(i)!;
        if (d.size > 50) {
          script.push(`-F ${c.toChain}`);
          for (const r of list) if (!d.has(r)) script.push(`-A ${c.toChain} ${r.spec}`);
        } else {
          for (const r of d) script.push(`-D ${c.toChain} ${r.spec}`);
        }
        let n = list.length - d.size;
        for (const m of adds.get(i)!) {
          if (c.rulePosition === -1) script.push(`-A ${c.toChain} ${m}`);
          else script.push(`-I ${c.toChain} ${Math.min(c.rulePosition, n + 1)} ${m}`);
          n++;
        }
      }
      let ok = true;
      let err = '';
      const restore = this.restoreBin(f);
      if (restore) {
        const text = [...tables].filter(([, sc]) => sc.length).map(([t, sc]) => `*${t}\n${sc.join('\n')}\nCOMMIT\n`).join('');
        if (text) {
          const r = this.run(restore, ['-w', '--noflush'], text);
          if (r.status !== 0) {
            ok = false;
            err = r.stderr.trim() || `exit status ${r.status}`;
            this.o.log(`${path.basename(restore)} failed: ${err.split('\n')[0]}`);
          }
        }
      } else {
        for (const [t, sc] of tables) {
          for (const line of sc) {
            const r = this.exec(f, ['-t', t, ...line.split(' ')]);
            if (r.status !== 0) {
              ok = false;
              err = r.stderr.trim() || `exit status ${r.status}`;
            }
          }
        }
      }
      // what the kernel holds now decides the outcome of every op
      const after = new Map<number, Map<string, ParsedRule[]>>();
      for (const [i, c] of this.o.chains.entries()) {
        after.set(i, this.index((this.rules(f, c.table, c.toChain) ?? []).map((l) => parseRule(l, c.toChain)!).filter((x) => x)));
      }
      for (const op of mine) {
        let inPlace = true;
        let gone = true;
        for (const [i, c] of this.o.chains.entries()) {
          for (const w of this.wanted(c, op.net)) {
            const n = this.present(after.get(i)!, c, w).length;
            if (n === 0) inPlace = false;
            if (n > 0) gone = false;
          }
        }
        const good = op.add ? inPlace : gone;
        if (!good) res.failed.push({ op, error: ok ? 'the rule is not in the kernel after the change' : err });
        else if (states.get(op)) res.already.push(op);
        else res.done.push(op);
      }
    }
    return res;
  }

  /**
   * Flushes psad's chains (and with delChains removes the jump rules and the
   * chains). Returns one syslog line per chain.
   */
  flush(delChains: boolean, families: (4 | 6)[]): { ok: string[]; failed: string[] } {
    const ok: string[] = [];
    const failed: string[] = [];
    for (const f of families) {
      for (const c of this.o.chains) {
        if (!this.chainExists(f, c.table, c.toChain)) continue;
        const label = f === 6 ? `${c.toChain} (ip6tables)` : c.toChain;
        if (!delChains) {
          const r = this.exec(f, ['-t', c.table, '-F', c.toChain]);
          if (r.status === 0) ok.push(`flushed: ${label}`);
          else failed.push(`could not flush: ${label}: ${r.stderr.trim().split('\n')[0]}`);
          continue;
        }
        let good = this.exec(f, ['-t', c.table, '-F', c.toChain]).status === 0;
        for (let i = 0; i < 100 && good; i++) {
          const from = this.rules(f, c.table, c.fromChain) ?? [];
          const j = from.find((l) => parseRule(l, c.fromChain)?.target === c.toChain);
          if (!j) break;
          good = this.exec(f, ['-t', c.table, '-D', c.fromChain, ...j.slice(`-A ${c.fromChain} `.length).split(/\s+/)]).status === 0;
        }
        if (good) good = this.exec(f, ['-t', c.table, '-X', c.toChain]).status === 0;
        (good ? ok : failed).push(`${good ? 'deleted' : 'could not delete'} ${c.table} table ${label} chain`);
      }
    }
    return { ok, failed };
  }

  /** `<fw> -t <table> -n -L <chain> -v` of each psad chain (for --fw-list-auto). */
  list(f: 4 | 6): string {
    let out = '';
    for (const c of this.o.chains) {
      if (!this.chainExists(f, c.table, c.toChain)) {
        out += `[-] Table: ${c.table}, chain: ${c.toChain}, does not exist\n`;
        continue;
      }
      const r = this.exec(f, ['-t', c.table, '-n', '-L', c.toChain, '-v']);
      out += `${r.stdout}\n`;
    }
    return out;
  }

  /** Is every rule of a block of `net` in place (for -S --verbose)? Returns the chains holding it. */
  blockedIn(net: Net): string[] {
    const f = family(net);
    const out: string[] = [];
    for (const c of this.o.chains) {
      const rules = this.index((this.rules(f, c.table, c.toChain) ?? []).map((l) => parseRule(l, c.toChain)!).filter((x) => x));
      if (this.wanted(c, net).every((w) => this.present(rules, c, w).length)) out.push(`${c.toChain}(${c.target})`);
    }
    return out;
  }
}
