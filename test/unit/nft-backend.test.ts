import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { NftBackend, MAX_TIMEOUT, nftChainSpecs, parseTableJson } from '../../src/respond/nftables';
import { IptablesBackend, RunResult, Runner } from '../../src/respond/iptables';
import { AutoChain } from '../../src/respond/chains';
import { FwOp } from '../../src/respond/backend';
import { chooseBackend, createBackend } from '../../src/respond/select';
import { Net, netContains, parseNet } from '../../src/net/addr';
import { loadConfig } from '../../src/config/config';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';

/**
 * NftBackend against a recording stand-in for nft that keeps psad's table
 * in memory, takes `nft -f -` scripts as the kernel would (all or nothing,
 * overlapping intervals and missing elements refused) and answers
 * `nft -j list table inet psad` in nft 1.0's JSON.
 */

interface FakeSet { type: string; flags: string[]; elems: Map<string, { net: Net; timeout: number }> }
interface FakeChain { hook: string; prio: number; policy: string; rules: string[] }
interface State { exists: boolean; sets: Map<string, FakeSet>; chains: Map<string, FakeChain> }

function clone(s: State): State {
  return {
    exists: s.exists,
    sets: new Map([...s.sets].map(([k, v]) => [k, { type: v.type, flags: [...v.flags], elems: new Map(v.elems) }])),
    chains: new Map([...s.chains].map(([k, v]) => [k, { ...v, rules: [...v.rules] }])),
  };
}

class FakeNft {
  state: State = { exists: false, sets: new Map(), chains: new Map() };
  calls: { args: string[]; input?: string }[] = [];
  /** elements the "kernel" refuses */
  refuse: (text: string) => boolean = () => false;

  readonly run: Runner = (cmd, args, input) => {
    assert.equal(cmd, '/usr/sbin/nft');
    this.calls.push({ args, input });
    if (args.join(' ') === '-j list table inet psad') return this.list();
    if (args.join(' ') === '-f -' || args.join(' ') === '-c -f -') return this.load(input ?? '', args[0] === '-c');
    return { status: 1, stdout: '', stderr: `unexpected nft call: ${args.join(' ')}\n` };
  };

  /** the scripts loaded (or checked) */
  get scripts(): string[] {
    return this.calls.filter((c) => c.args.includes('-f')).map((c) => c.input ?? '');
  }

  private list(): RunResult {
    const s = this.state;
    if (!s.exists) return { status: 1, stdout: '', stderr: 'Error: No such file or directory\nlist table inet psad\n           ^^^^\n' };
    const out: unknown[] = [{ metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } }, { table: { family: 'inet', name: 'psad', handle: 1 } }];
    for (const [name, set] of s.sets) {
      const elem = [...set.elems].map(([text, e]) => {
        const val = text.includes('/') ? { prefix: { addr: text.split('/')[0], len: Number(text.split('/')[1]) } } : text;
        return e.timeout ? { elem: { val, timeout: e.timeout, expires: e.timeout - 1 } } : val;
      });
      out.push({ set: { family: 'inet', name, table: 'psad', type: set.type, handle: 2, flags: set.flags, ...(elem.length ? { elem } : {}) } });
    }
    for (const [name, c] of s.chains) out.push({ chain: { family: 'inet', table: 'psad', name, handle: 3, type: 'filter', hook: c.hook, prio: c.prio, policy: c.policy } });
    for (const [name, c] of s.chains) {
      for (const r of c.rules) {
        const [proto, field, set, verdict] = r.split(' ');
        const v = verdict === 'drop' ? { drop: null } : { reject: { type: proto === 'ip6' ? 'icmpv6' : 'icmp', expr: 'port-unreachable' } };
        out.push({ rule: { family: 'inet', table: 'psad', chain: name, handle: 9, expr: [{ match: { op: '==', left: { payload: { protocol: proto, field } }, right: set } }, v] } });
      }
    }
    return { status: 0, stdout: JSON.stringify({ nftables: out }), stderr: '' };
  }

  private load(script: string, check: boolean): RunResult {
    const s = clone(this.state);
    const fail = (msg: string, line: string) => ({ status: 1, stdout: '', stderr: `Error: ${msg}\n${line}\n` });
    for (const line of script.split('\n').filter((l) => l)) {
      let m: RegExpExecArray | null;
      if (line === 'add table inet psad') s.exists = true;
      else if (line === 'delete table inet psad') {
        if (!s.exists) return fail('No such file or directory', line);
        s.exists = false;
        s.sets.clear();
        s.chains.clear();
      } else if ((m = /^add set inet psad (\S+) \{ type (\S+); flags (\S+); \}$/.exec(line))) {
        if (!s.exists) return fail('No such file or directory', line);
        const have = s.sets.get(m[1]);
        if (have && (have.type !== m[2] || have.flags.join(',') !== m[3])) return fail('Could not process rule: File exists', line);
        if (!have) s.sets.set(m[1], { type: m[2], flags: m[3].split(','), elems: new Map() });
      } else if ((m = /^(flush|delete) set inet psad (\S+)$/.exec(line))) {
        if (!s.sets.has(m[2])) return fail('No such file or directory', line);
        if (m[1] === 'flush') s.sets.get(m[2])!.elems.clear();
        else s.sets.delete(m[2]);
      } else if ((m = /^add chain inet psad (\S+) \{ type filter hook (\S+) priority (-?\d+); policy accept; \}$/.exec(line))) {
        if (!s.exists) return fail('No such file or directory', line);
        const have = s.chains.get(m[1]);
        if (have && (have.hook !== m[2] || have.prio !== Number(m[3]))) return fail('Could not process rule: Operation not supported', line);
        if (!have) s.chains.set(m[1], { hook: m[2], prio: Number(m[3]), policy: 'accept', rules: [] });
      } else if ((m = /^(flush|delete) chain inet psad (\S+)$/.exec(line))) {
        const c = s.chains.get(m[2]);
        if (!c) return fail('No such file or directory', line);
        if (m[1] === 'flush') c.rules = [];
        else if (c.rules.length) return fail('Could not process rule: Device or resource busy', line);
        else s.chains.delete(m[2]);
      } else if ((m = /^add rule inet psad (\S+) ((?:ip|ip6) (?:saddr|daddr) @\S+ (?:drop|reject))$/.exec(line))) {
        const c = s.chains.get(m[1]);
        if (!c) return fail('No such file or directory', line);
        const set = m[2].split(' ')[2].slice(1);
        if (!s.sets.has(set)) return fail(`Could not process rule: No such file or directory`, line);
        c.rules.push(m[2]);
      } else if ((m = /^(add|delete) element inet psad (\S+) \{ (.*) \}$/.exec(line))) {
        const set = s.sets.get(m[2]);
        if (!set) return fail('No such file or directory', line);
        for (const item of m[3].split(', ')) {
          const [text, kw, t] = item.split(' ');
          if (this.refuse(text)) return fail('Could not process rule: Invalid argument', line);
          const net = parseNet(text)!;
          assert.ok(net, `a parsed address: ${text}`);
          assert.equal(net.v6, set.type === 'ipv6_addr', `${text} in ${m[2]}`);
          assert.equal(text.includes('/'), set.flags.includes('interval'), `${text} in ${m[2]}`);
          if (m[1] === 'delete') {
            if (!set.elems.delete(text)) return fail('element does not exist', line);
            continue;
          }
          if (set.flags.includes('interval')) {
            for (const [k, e] of set.elems) {
              if (k !== text && (netContains(e.net, net.addr) || netContains(net, e.net.addr))) return fail('interval overlaps with an existing one', line);
            }
          }
          assert.ok(kw === undefined || (kw === 'timeout' && /^\d+s$/.test(t)), item);
          set.elems.set(text, { net, timeout: t ? Number(t.slice(0, -1)) : 0 });
        }
      } else return fail('syntax error', line);
    }
    if (!check) this.state = s;
    return { status: 0, stdout: '', stderr: '' };
  }
}

const TUPLES: AutoChain[] = [
  { n: 1, target: 'DROP', direction: 'src', table: 'filter', fromChain: 'INPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_INPUT', rulePosition: 1 },
  { n: 2, target: 'DROP', direction: 'dst', table: 'filter', fromChain: 'OUTPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_OUTPUT', rulePosition: 1 },
  { n: 3, target: 'DROP', direction: 'both', table: 'filter', fromChain: 'FORWARD', jumpPosition: 1, toChain: 'PSAD_BLOCK_FORWARD', rulePosition: 1 },
];

function backend(fake: FakeNft, chains = TUPLES, logs: string[] = []): NftBackend {
  return new NftBackend({ nft: '/usr/sbin/nft', chains, run: fake.run, log: (m) => logs.push(m) });
}

const op = (net: string, add = true, timeout?: number): FwOp => ({ net: parseNet(net)!, add, timeout });

const PREREQ = `add table inet psad
add set inet psad block4 { type ipv4_addr; flags timeout; }
add set inet psad block6 { type ipv6_addr; flags timeout; }
add set inet psad block4net { type ipv4_addr; flags interval,timeout; }
add set inet psad block6net { type ipv6_addr; flags interval,timeout; }
add chain inet psad PSAD_BLOCK_INPUT { type filter hook input priority -1; policy accept; }
add rule inet psad PSAD_BLOCK_INPUT ip saddr @block4 drop
add rule inet psad PSAD_BLOCK_INPUT ip saddr @block4net drop
add rule inet psad PSAD_BLOCK_INPUT ip6 saddr @block6 drop
add rule inet psad PSAD_BLOCK_INPUT ip6 saddr @block6net drop
add chain inet psad PSAD_BLOCK_OUTPUT { type filter hook output priority -1; policy accept; }
add rule inet psad PSAD_BLOCK_OUTPUT ip daddr @block4 drop
add rule inet psad PSAD_BLOCK_OUTPUT ip daddr @block4net drop
add rule inet psad PSAD_BLOCK_OUTPUT ip6 daddr @block6 drop
add rule inet psad PSAD_BLOCK_OUTPUT ip6 daddr @block6net drop
add chain inet psad PSAD_BLOCK_FORWARD { type filter hook forward priority -1; policy accept; }
add rule inet psad PSAD_BLOCK_FORWARD ip saddr @block4 drop
add rule inet psad PSAD_BLOCK_FORWARD ip saddr @block4net drop
add rule inet psad PSAD_BLOCK_FORWARD ip daddr @block4 drop
add rule inet psad PSAD_BLOCK_FORWARD ip daddr @block4net drop
add rule inet psad PSAD_BLOCK_FORWARD ip6 saddr @block6 drop
add rule inet psad PSAD_BLOCK_FORWARD ip6 saddr @block6net drop
add rule inet psad PSAD_BLOCK_FORWARD ip6 daddr @block6 drop
add rule inet psad PSAD_BLOCK_FORWARD ip6 daddr @block6net drop
`;

const texts = (ops: FwOp[]) => ops.map((o) => `${o.add ? '+' : '-'}${o.net.v6 ? 'v6' : 'v4'}`).length;

test('first block: table, sets, chains and elements in ONE nft -f - transaction, then read back', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  const ops = [op('192.0.2.7', true, 3600), op('2001:db8::7', true, 0), op('198.51.100.0/24', true, 60), op('2001:db8:1::/48', true, 86400)];
  const r = b.apply(ops, true);
  assert.deepEqual(r, { done: ops, already: [], failed: [] });
  assert.deepEqual(fake.calls.map((c) => c.args.join(' ')), ['-j list table inet psad', '-f -', '-j list table inet psad']);
  assert.equal(
    fake.scripts[0],
    PREREQ +
      'add element inet psad block4 { 192.0.2.7 timeout 3600s }\n' +
      'add element inet psad block6 { 2001:db8::7 }\n' +
      'add element inet psad block4net { 198.51.100.0/24 timeout 60s }\n' +
      'add element inet psad block6net { 2001:db8:1::/48 timeout 86400s }\n',
  );
  assert.equal(texts(ops), 4);
});

test('in place: nothing to load; an add of a blocked address is "already", a remove of an absent one too', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  b.apply([op('192.0.2.7', true, 3600)], true);
  fake.calls = [];
  const again = [op('192.0.2.7', true, 3599), op('192.0.2.8', false)];
  const r = b.apply(again, true);
  assert.deepEqual(r, { done: [], already: again, failed: [] });
  assert.deepEqual(fake.calls.map((c) => c.args.join(' ')), ['-j list table inet psad', '-j list table inet psad']);
});

test('an already blocked address gets the timeout asked for (delete + add in the same transaction)', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  b.apply([op('192.0.2.7', true, 100), op('2001:db8::7', true, 100)], true);
  fake.calls = [];
  const ops = [op('192.0.2.7', true, 7200), op('2001:db8::7', true, 0)];
  const r = b.apply(ops, true);
  assert.deepEqual(r, { done: [], already: ops, failed: [] });
  assert.equal(fake.scripts.length, 1);
  assert.equal(fake.scripts[0],
    'delete element inet psad block4 { 192.0.2.7 }\ndelete element inet psad block6 { 2001:db8::7 }\n' +
    'add element inet psad block4 { 192.0.2.7 timeout 7200s }\nadd element inet psad block6 { 2001:db8::7 }\n');
  assert.equal(fake.state.sets.get('block4')!.elems.get('192.0.2.7')!.timeout, 7200);
  assert.equal(fake.state.sets.get('block6')!.elems.get('2001:db8::7')!.timeout, 0);
  // timeouts beyond what nft takes are capped; fractions round up
  b.apply([op('192.0.2.9', true, 1e12), op('192.0.2.10', true, 0.2)], false);
  assert.equal(fake.state.sets.get('block4')!.elems.get('192.0.2.9')!.timeout, MAX_TIMEOUT);
  assert.equal(fake.state.sets.get('block4')!.elems.get('192.0.2.10')!.timeout, 1);
});

test('removal: delete element for what is there, "already" for what is not', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  b.apply([op('192.0.2.7', true, 60), op('198.51.100.0/24'), op('2001:db8::7')], true);
  fake.calls = [];
  const ops = [op('192.0.2.7', false), op('198.51.100.0/24', false), op('2001:db8::7', false), op('192.0.2.99', false)];
  const r = b.apply(ops, false);
  assert.deepEqual(r, { done: ops.slice(0, 3), already: [ops[3]], failed: [] });
  assert.equal(fake.scripts[0],
    'delete element inet psad block4 { 192.0.2.7 }\ndelete element inet psad block6 { 2001:db8::7 }\ndelete element inet psad block4net { 198.51.100.0/24 }\n');
  assert.equal(fake.state.sets.get('block4')!.elems.size + fake.state.sets.get('block6')!.elems.size, 0);
  // block, unblock, block again in one change set: the last op decides, each op is reported
  const seq = [op('192.0.2.5', true, 10), op('192.0.2.5', false), op('192.0.2.5', true, 20)];
  const s = b.apply(seq, false);
  assert.deepEqual(s, { done: seq, already: [], failed: [] });
  assert.equal(fake.state.sets.get('block4')!.elems.get('192.0.2.5')!.timeout, 20);
});

test('networks: an overlapping network is refused before nft sees it, the rest goes in', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  b.apply([op('10.1.0.0/24')], true);
  fake.calls = [];
  const ops = [op('10.1.0.0/16', true, 60), op('10.2.0.0/16'), op('10.2.3.0/24'), op('10.1.0.5', true, 60)];
  const r = b.apply(ops, false);
  assert.deepEqual(r.done, [ops[1], ops[3]]);
  assert.deepEqual(r.failed, [
    { op: ops[0], error: '10.1.0.0/16 overlaps 10.1.0.0/24, which is in the set inet psad block4net' },
    { op: ops[2], error: '10.2.3.0/24 overlaps 10.2.0.0/16, which is in the set inet psad block4net' },
  ]);
  // a host inside a blocked network is an element of its own (hash set)
  assert.equal(fake.scripts.length, 1);
  assert.equal(fake.scripts[0], 'add element inet psad block4 { 10.1.0.5 timeout 60s }\nadd element inet psad block4net { 10.2.0.0/16 }\n');
  // a network replaced in the same change set: no overlap
  const swap = [op('10.1.0.0/24', false), op('10.1.0.0/16')];
  assert.deepEqual(b.apply(swap, false).done, swap);
});

test('an element the kernel refuses fails alone: the change set is split in halves', () => {
  const fake = new FakeNft();
  const logs: string[] = [];
  const b = backend(fake, TUPLES, logs);
  b.apply([], true);
  fake.calls = [];
  fake.refuse = (t) => t === '192.0.2.13';
  const ops = Array.from({ length: 16 }, (_, i) => op(`192.0.2.${i + 1}`, true, 60));
  const r = b.apply(ops, false);
  assert.equal(r.done.length, 15);
  assert.deepEqual(r.failed, [{ op: ops[12], error: 'Error: Could not process rule: Invalid argument\nadd element inet psad block4 { 192.0.2.13 timeout 60s }' }]);
  assert.ok(fake.scripts.length <= 1 + 2 * 4, `${fake.scripts.length} transactions`);
  assert.match(logs[0], /^nft refused the change set: Error: Could not process rule: Invalid argument/);
});

test('10,000 blocks: one transaction, 40 add statements, all read back', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  b.apply([], true);
  fake.calls = [];
  const ops = Array.from({ length: 10000 }, (_, i) => op(`10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, true, 3600));
  const t = Date.now();
  const r = b.apply(ops, false);
  const ms = Date.now() - t;
  assert.equal(r.done.length, 10000);
  assert.equal(fake.scripts.length, 1);
  const lines = fake.scripts[0].trim().split('\n');
  assert.equal(lines.length, Math.ceil(10000 / 256));
  assert.ok(lines.every((l) => l.startsWith('add element inet psad block4 { ')));
  assert.equal(fake.state.sets.get('block4')!.elems.size, 10000);
  assert.ok(ms < 2000, `${ms} ms (the JS side of 10,000 blocks)`);
  const rm = b.apply(ops.map((o) => ({ net: o.net, add: false })), false);
  assert.equal(rm.done.length, 10000);
  assert.equal(fake.state.sets.get('block4')!.elems.size, 0);
});

test('no table and no prereq: every op fails with nft\'s message', () => {
  const fake = new FakeNft();
  const ops = [op('192.0.2.7'), op('2001:db8::7')];
  const r = backend(fake).apply(ops, false);
  assert.deepEqual(r.done, []);
  assert.equal(r.failed.length, 2);
  assert.match(r.failed[0].error, /^Error: No such file or directory/);
});

test('tuples: REJECT, other tables and hooks, user chains and odd names', () => {
  const logs: string[] = [];
  const specs = nftChainSpecs([
    { ...TUPLES[0], target: 'REJECT' },
    { n: 2, target: 'DROP', direction: 'src', table: 'mangle', fromChain: 'PREROUTING', jumpPosition: 1, toChain: 'PSAD_PRE', rulePosition: 1 },
    { n: 3, target: 'DROP', direction: 'src', table: 'filter', fromChain: 'MY_CHAIN', jumpPosition: 1, toChain: 'PSAD_MINE', rulePosition: 1 },
    { n: 4, target: 'LOG', direction: 'src', table: 'filter', fromChain: 'INPUT', jumpPosition: 1, toChain: 'PSAD_LOG', rulePosition: 1 },
    { n: 5, target: 'DROP', direction: 'dst', table: 'raw', fromChain: 'OUTPUT', jumpPosition: 1, toChain: '9chain', rulePosition: 1 },
    { n: 6, target: 'DROP', direction: 'dst', table: 'filter', fromChain: 'INPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_INPUT', rulePosition: 1 },
  ], (m) => logs.push(m));
  assert.deepEqual(specs.map((s) => [s.name, s.hook, s.priority, s.target, s.tuples.join(','), s.rules.map((r) => `${r.family}${r.field}${r.verdict}`).join(' ')]), [
    ['PSAD_BLOCK_INPUT', 'input', -1, 'REJECT/DROP', '1,6', '4saddrreject 6saddrreject 4daddrdrop 6daddrdrop'],
    ['PSAD_PRE', 'prerouting', -151, 'DROP', '2', '4saddrdrop 6saddrdrop'],
    ['psad_output_5', 'output', -301, 'DROP', '5', '4daddrdrop 6daddrdrop'],
  ]);
  assert.deepEqual(logs, [
    'IPT_AUTO_CHAIN3: nftables blocking uses base chains only, and from_chain MY_CHAIN is not INPUT, OUTPUT, FORWARD, PREROUTING or POSTROUTING; entry ignored',
    'IPT_AUTO_CHAIN4: nftables blocking knows the targets DROP and REJECT, not LOG; entry ignored',
  ]);
  const fake = new FakeNft();
  backend(fake, [{ ...TUPLES[0], target: 'REJECT' }]).apply([op('192.0.2.1')], true);
  assert.match(fake.scripts[0], /add rule inet psad PSAD_BLOCK_INPUT ip saddr @block4 reject\n/);
  assert.deepEqual(fake.state.chains.get('PSAD_BLOCK_INPUT')!.rules.slice(0, 1), ['ip saddr @block4 reject']);
});

test('prereq repairs: a changed hook or a stray chain is replaced, missing rules are put back', () => {
  const fake = new FakeNft();
  backend(fake).apply([op('192.0.2.1', true, 60)], true);
  // IPT_AUTO_CHAIN2 gone, FORWARD's chain now from mangle (priority -151)
  const tuples = [TUPLES[0], { ...TUPLES[2], table: 'mangle' }];
  fake.state.chains.get('PSAD_BLOCK_INPUT')!.rules.pop();
  fake.calls = [];
  const b = backend(fake, tuples);
  assert.deepEqual(b.apply([], true), { done: [], already: [], failed: [] });
  assert.equal(fake.scripts[0],
    'add table inet psad\n' +
    'flush chain inet psad PSAD_BLOCK_OUTPUT\nflush chain inet psad PSAD_BLOCK_FORWARD\n' +
    'delete chain inet psad PSAD_BLOCK_OUTPUT\ndelete chain inet psad PSAD_BLOCK_FORWARD\n' +
    PREREQ.split('\n').slice(1, 5).join('\n') + '\n' +
    'add chain inet psad PSAD_BLOCK_INPUT { type filter hook input priority -1; policy accept; }\n' +
    'flush chain inet psad PSAD_BLOCK_INPUT\n' +
    'add rule inet psad PSAD_BLOCK_INPUT ip saddr @block4 drop\nadd rule inet psad PSAD_BLOCK_INPUT ip saddr @block4net drop\n' +
    'add rule inet psad PSAD_BLOCK_INPUT ip6 saddr @block6 drop\nadd rule inet psad PSAD_BLOCK_INPUT ip6 saddr @block6net drop\n' +
    'add chain inet psad PSAD_BLOCK_FORWARD { type filter hook forward priority -151; policy accept; }\n' +
    PREREQ.split('\n').filter((l) => l.startsWith('add rule inet psad PSAD_BLOCK_FORWARD')).join('\n') + '\n');
  assert.deepEqual([...fake.state.chains.keys()], ['PSAD_BLOCK_INPUT', 'PSAD_BLOCK_FORWARD']);
  assert.equal(fake.state.chains.get('PSAD_BLOCK_FORWARD')!.prio, -151);
  // the block survived the repair
  assert.ok(fake.state.sets.get('block4')!.elems.has('192.0.2.1'));
});

test('flush, delete, list, blockedIn, nft -c', () => {
  const fake = new FakeNft();
  const b = backend(fake);
  assert.deepEqual(b.flush(false, [4, 6]), { ok: [], failed: [] });
  assert.equal(b.list(4), '[-] Table: inet psad, sets: block4, block4net, do not exist\n');
  b.apply([op('192.0.2.7', true, 60), op('198.51.100.0/24'), op('2001:db8::7')], true);
  assert.equal(b.list(4),
    'Table: inet psad, set: block4 (1 element)\n' +
    '    192.0.2.7          expires in 59 s (timeout 60 s)\n' +
    'Table: inet psad, set: block4net (1 element)\n' +
    '    198.51.100.0/24    permanent\n' +
    'Chains:\n' +
    '    PSAD_BLOCK_INPUT (hook input priority -1): ip saddr @block4 drop; ip saddr @block4net drop\n' +
    '    PSAD_BLOCK_OUTPUT (hook output priority -1): ip daddr @block4 drop; ip daddr @block4net drop\n' +
    '    PSAD_BLOCK_FORWARD (hook forward priority -1): ip saddr @block4 drop; ip saddr @block4net drop; ip daddr @block4 drop; ip daddr @block4net drop\n\n');
  assert.match(b.list(6), /^Table: inet psad, set: block6 \(1 element\)\n    2001:db8::7 {33}permanent\n/);
  assert.deepEqual(b.blockedIn(parseNet('192.0.2.7')!), ['PSAD_BLOCK_INPUT(DROP)', 'PSAD_BLOCK_OUTPUT(DROP)', 'PSAD_BLOCK_FORWARD(DROP)']);
  assert.deepEqual(b.blockedIn(parseNet('198.51.100.0/24')!), ['PSAD_BLOCK_INPUT(DROP)', 'PSAD_BLOCK_OUTPUT(DROP)', 'PSAD_BLOCK_FORWARD(DROP)']);
  assert.deepEqual(b.blockedIn(parseNet('192.0.2.8')!), []);
  // nft -c: checks without loading
  fake.calls = [];
  const script = b.script([op('192.0.2.50', true, 5)], true);
  assert.equal(script, 'add element inet psad block4 { 192.0.2.50 timeout 5s }\n');
  assert.equal(b.check(script), '');
  assert.deepEqual(fake.calls.map((c) => c.args.join(' ')), ['-j list table inet psad', '-c -f -']);
  assert.equal(fake.state.sets.get('block4')!.elems.has('192.0.2.50'), false);
  assert.match(b.check('add element inet psad nosuchset { 192.0.2.1 }\n'), /No such file or directory/);
  // flush of IPv4 only
  fake.calls = [];
  assert.deepEqual(b.flush(false, [4]), { ok: ['inet psad block4', 'inet psad block4net'], failed: [] });
  assert.equal(fake.scripts[0], 'flush set inet psad block4\nflush set inet psad block4net\n');
  assert.equal(fake.state.sets.get('block6')!.elems.size, 1);
  assert.deepEqual(b.flush(true, [4, 6]), { ok: ['inet table psad'], failed: [] });
  assert.equal(fake.state.exists, false);
});

test('parseTableJson: real nft 1.0.6 output of psad\'s table', () => {
  const t = parseTableJson(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'nft', 'rulesets', 'good.json'), 'utf8').replace(/"name": "filter"/g, '"name": "other"'));
  const b4 = t.sets.get('block4')!;
  assert.deepEqual([...b4.elems.values()].map((e) => [e.text, e.timeout]), [['192.0.2.7', 3600], ['198.51.100.0/24', 0]]);
  assert.deepEqual(t.chains.get('PSAD_BLOCK_INPUT')!.rules, ['ip saddr @block4 drop', 'ip6 saddr @block6 drop']);
});

test('FW_BACKEND: auto picks nftables for iptables-nft without legacy tables; createBackend', () => {
  const root = tmpDir('nft-select');
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const conf = (extra: string) => loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [writeOverride(root, undefined, extra)] });
  const probe = (o: { nft?: boolean; ipt?: boolean; version?: string; legacy?: string }) => ({
    executable: (p: string) => (p.endsWith('/nft') ? o.nft !== false : o.ipt !== false),
    readProc: (p: string) => (p.endsWith('ip_tables_names') ? o.legacy ?? '' : ''),
    run: (() => ({ status: 0, stdout: o.version ?? 'iptables v1.8.9 (nf_tables)\n', stderr: '' })) as Runner,
  });
  // psad-node's default is iptables (psad 2.4.6's chains); auto is asked for
  assert.deepEqual(chooseBackend(conf(''), probe({})), { name: 'iptables', why: 'FW_BACKEND iptables' });
  const auto = conf('FW_BACKEND auto;\n');
  assert.deepEqual(chooseBackend(auto, probe({})), { name: 'nftables', why: '/sbin/iptables is iptables-nft (iptables v1.8.9 (nf_tables))' });
  assert.equal(chooseBackend(auto, probe({ version: 'iptables v1.8.9 (legacy)\n' })).name, 'iptables');
  assert.equal(chooseBackend(auto, probe({ version: 'iptables v1.6.1\n' })).name, 'iptables');
  assert.equal(chooseBackend(auto, probe({ ipt: false })).name, 'nftables');
  assert.equal(chooseBackend(auto, probe({ nft: false })).name, 'iptables');
  assert.match(chooseBackend(auto, probe({ legacy: 'filter\nmangle\n' })).why, /legacy iptables tables are in use \(\/proc\/net\/ip_tables_names: filter, mangle\)/);
  assert.equal(chooseBackend(conf('FW_BACKEND auto;\nENABLE_OVERRIDE_FW_CMD Y;\nFW_CMD /usr/bin/firewall-cmd;\n'), probe({})).name, 'iptables');
  assert.deepEqual(chooseBackend(conf('FW_BACKEND iptables;\n'), probe({})), { name: 'iptables', why: 'FW_BACKEND iptables' });
  assert.equal(chooseBackend(conf('FW_BACKEND nftables;\n'), probe({ nft: false })).name, 'nftables');
  const fake = new FakeNft();
  const nb = createBackend(conf('FW_BACKEND nftables;\nnftCmd /usr/sbin/nft;\n'), () => undefined, fake.run);
  assert.ok(nb instanceof NftBackend);
  assert.equal(nb.name, 'nftables');
  nb.apply([op('192.0.2.1')], true);
  assert.ok(fake.state.sets.get('block4')!.elems.has('192.0.2.1'));
  assert.ok(createBackend(conf('FW_BACKEND iptables;\n'), () => undefined) instanceof IptablesBackend);
});
