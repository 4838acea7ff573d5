import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig, PsadConfig } from '../../src/config/config';
import { PsadError } from '../../src/config/errors';
import { parseNet, Net } from '../../src/net/addr';
import { parseAutoDl } from '../../src/data/auto-dl';
import { AutoResponse, ResponseEnv, parseSocketLine, externalBlockArgv, readRecordFile, keyOf } from '../../src/respond/auto-response';
import { ApplyResult, FirewallBackend, FwOp } from '../../src/respond/backend';
import { IptablesBackend, ruleAddr, Runner } from '../../src/respond/iptables';
import { autoChains } from '../../src/respond/chains';
import { iptablesBackend } from '../../src/respond/select';
import { ROOT, tmpDir } from '../helpers/paths';

/**
 * The automated response's decisions against an in-memory firewall (what is
 * blocked, for how long, what is never blocked, what survives a restart),
 * and the exact iptables commands of the iptables backend against a
 * recording runner. The kernel side is proven by test/e2e/auto-block.
 */

/** A firewall that holds a set of networks and can be told to fail. */
class MemFirewall implements FirewallBackend {
  readonly name = 'iptables' as const;
  readonly held = new Set<string>();
  failNext = 0;
  applies = 0;
  apply(ops: FwOp[]): ApplyResult {
    this.applies++;
    const r: ApplyResult = { done: [], already: [], failed: [] };
    for (const op of ops) {
      const k = keyOf(op.net);
      if (this.failNext > 0) {
        this.failNext--;
        r.failed.push({ op, error: 'iptables: Resource temporarily unavailable.' });
        continue;
      }
      if (op.add) {
        if (this.held.has(k)) r.already.push(op);
        else {
          this.held.add(k);
          r.done.push(op);
        }
      } else if (this.held.delete(k)) r.done.push(op);
      else r.already.push(op);
    }
    return r;
  }
  flush(): { ok: string[]; failed: string[] } {
    this.held.clear();
    return { ok: ['flushed: PSAD_BLOCK_INPUT'], failed: [] };
  }
  list(): string {
    return [...this.held].join('\n');
  }
  blockedIn(net: Net): string[] {
    return this.held.has(keyOf(net)) ? ['PSAD_BLOCK_INPUT(DROP)'] : [];
  }
}

function setup(extra: string[] = [], autoDlText = '') {
  const dir = tmpDir('autoresp');
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${dir}/root;`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_AUTO_IDS Y;', 'AUTO_IDS_DANGER_LEVEL 3;',
    'AUTO_BLOCK_TIMEOUT 100;', 'AUTO_BLOCK_DL3_TIMEOUT 60;', 'AUTO_BLOCK_DL4_TIMEOUT 120;', 'AUTO_BLOCK_DL5_TIMEOUT 0;',
    `ETC_HOSTS_DENY_FILE ${dir}/hosts.deny;`, ...extra, ''].join('\n'));
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
  const fw = new MemFirewall();
  const logs: string[] = [];
  const mails: string[] = [];
  const scripts: string[][] = [];
  let now = 1_800_000_000;
  const env: ResponseEnv = {
    cfg, backend: fw,
    autoDl: parseAutoDl(autoDlText.split('\n').map((l) => `${l}\n`), 'auto_dl', () => undefined, () => null),
    homeNets: null,
    localAddrs: () => ['10.9.0.1', '127.0.0.1', 'fd09::1', '::1'],
    log: (m) => logs.push(m), mail: (s) => mails.push(s), now: () => now,
    runScript: (argv) => scripts.push(argv),
  };
  const r = new AutoResponse(env);
  return { dir, cfg, fw, logs, mails, scripts, r, env, tick: (s: number) => { now += s; }, now: () => now };
}

test('a source at AUTO_IDS_DANGER_LEVEL is blocked once, mailed, recorded, and removed after its level timeout', () => {
  const s = setup();
  const dl = new Map([['203.0.113.5', 3], ['203.0.113.6', 2]]);
  s.r.afterBatch(dl.keys(), (ip) => dl.get(ip), () => false);
  assert.deepEqual([...s.fw.held], ['203.0.113.5/32']);
  assert.ok(s.logs.includes('added iptables auto-block against 203.0.113.5 for 60 seconds'), s.logs.join('\n'));
  assert.deepEqual(s.mails, ['[psad-status] added iptables auto-block against 203.0.113.5 for 60 seconds']);
  assert.match(fs.readFileSync(s.cfg.get('AUTO_BLOCK_IPT_FILE'), 'latin1'), /^203\.0\.113\.5 1800000000\n$/);
  // seen again: no second block, no second mail
  s.r.afterBatch(dl.keys(), (ip) => dl.get(ip), () => false);
  assert.equal(s.mails.length, 1);
  s.tick(60);
  s.r.expire();
  assert.equal(s.fw.held.size, 1, 'not before the timeout has passed');
  s.tick(1);
  s.r.expire();
  assert.equal(s.fw.held.size, 0);
  assert.ok(s.logs.includes('removed iptables auto-block against 203.0.113.5'));
  assert.equal(s.mails[1], '[psad-status] removed iptables block against 203.0.113.5');
  assert.equal(fs.readFileSync(s.cfg.get('AUTO_BLOCK_IPT_FILE'), 'latin1'), '');
});

test('DL5 blocks are permanent, and the timeout follows the source\'s current level', () => {
  const s = setup();
  const dl = new Map([['198.51.100.9', 5], ['198.51.100.10', 3]]);
  s.r.env.currentDl = (ip) => dl.get(ip);
  s.r.afterBatch(dl.keys(), (ip) => dl.get(ip), () => false);
  assert.ok(s.logs.includes('added iptables auto-block against 198.51.100.9 (unlimited timeout)'));
  dl.set('198.51.100.10', 4);
  s.tick(100);
  s.r.expire();
  assert.deepEqual([...s.fw.held].sort(), ['198.51.100.10/32', '198.51.100.9/32'], 'DL4 now: 120 s');
  s.tick(21);
  s.r.expire();
  assert.deepEqual([...s.fw.held], ['198.51.100.9/32']);
  s.tick(10 ** 6);
  s.r.expire();
  assert.deepEqual([...s.fw.held], ['198.51.100.9/32']);
});

test('never blocked: loopback, unspecified, this host, auto_dl 0, HOME_NET (unless AUTO_BLOCK_HOME_NET)', () => {
  const s = setup([], '192.0.2.0/24 0;\n203.0.113.77 0 tcp;');
  s.r.env.homeNets = [parseNet('10.50.0.0/16')!];
  const ips = ['127.0.0.1', '127.3.4.5', '0.0.0.0', '10.9.0.1', '::1', '::', 'fd09::1', '192.0.2.44', '203.0.113.77', '10.50.3.3'];
  s.r.afterBatch(ips, () => 5, () => false);
  assert.equal(s.fw.held.size, 0, [...s.fw.held].join(' '));
  for (const t of ['10.0.0.0/8', '0.0.0.0/0', 'fd09::/64', '192.0.2.128/25', '::/0']) {
    assert.ok(s.r.refusal(parseNet(t)!), `${t} must be refused`);
  }
  assert.match(s.r.refusal(parseNet('10.9.0.1')!)!, /address of this host/);
  assert.match(s.r.refusal(parseNet('192.0.2.44')!)!, /whitelisted 192\.0\.2\.0\/24/);
  assert.match(s.r.refusal(parseNet('10.50.3.3')!)!, /HOME_NET/);
  // socket requests get the same treatment (psad 2.4.6 blocked 127.0.0.1 and its own address, R3)
  s.r.commands(['add 127.0.0.1', 'add 10.9.0.1', 'add 10.0.0.0/8', 'add 0.0.0.0'].map((l) => parseSocketLine(l)!));
  assert.equal(s.fw.held.size, 0);
  assert.equal(s.logs.filter((l) => l.startsWith('refusing to block')).length, 4);
  // with AUTO_BLOCK_HOME_NET Y a HOME_NET scanner may be blocked
  const t = setup(['AUTO_BLOCK_HOME_NET Y;']);
  t.r.env.homeNets = [parseNet('10.50.0.0/16')!];
  t.r.afterBatch(['10.50.3.3'], () => 5, () => false);
  assert.deepEqual([...t.fw.held], ['10.50.3.3/32']);
});

test('ENABLE_AUTO_IDS_REGEX: only sources that logged a matching prefix in the batch', () => {
  const s = setup(['ENABLE_AUTO_IDS_REGEX Y;', 'AUTO_BLOCK_REGEX ESTAB;']);
  s.r.afterBatch(['203.0.113.1', '203.0.113.2'], () => 4, (ip) => ip === '203.0.113.2');
  assert.deepEqual([...s.fw.held], ['203.0.113.2/32']);
});

test('socket commands: subnets as subnets, IPv6, del, flush, junk ignored', () => {
  const s = setup();
  assert.equal(parseSocketLine('add 10.99.1.7/24')!.kind, 'add');
  assert.equal((parseSocketLine('add 10.99.1.7/24') as { text: string }).text, '10.99.1.0/24');
  assert.equal((parseSocketLine('ADD 10.99.1.0/255.255.255.0') as { text: string }).text, '10.99.1.0/24');
  assert.equal((parseSocketLine('add 2001:DB8::5') as { text: string }).text, '2001:db8::5');
  assert.equal(parseSocketLine('add 1.2.3.4; rm -rf /'), null);
  assert.equal(parseSocketLine('add 1.2.3.400'), null);
  assert.equal(parseSocketLine('hello'), null);
  assert.deepEqual(parseSocketLine('please flush delchains'), { kind: 'flush', delChains: true });
  s.r.commands(['add 10.99.1.7/24', 'add 2001:db8::/48', 'add 198.51.100.1'].map((l) => parseSocketLine(l)!));
  assert.deepEqual([...s.fw.held].sort(), ['10.99.1.0/24', '198.51.100.1/32', '2001:db8::/48']);
  assert.equal(s.fw.applies, 1, 'one change set');
  assert.ok(s.logs.includes('added ip6tables auto-block against 2001:db8::/48 for 60 seconds'));
  s.r.commands([parseSocketLine('del 10.99.1.0/24')!]);
  assert.deepEqual([...s.fw.held].sort(), ['198.51.100.1/32', '2001:db8::/48']);
  s.r.commands([parseSocketLine('flush')!]);
  assert.equal(s.fw.held.size, 0);
  assert.equal(s.r.blocked.size, 0);
});

test('restart: FLUSH_IPT_AT_INIT keeps the record; unexpired blocks come back with their original time (R1)', () => {
  const s = setup();
  s.r.afterBatch(['203.0.113.5', '203.0.113.6', '2001:db8::9'], () => 3, () => false);
  const file = s.cfg.get('AUTO_BLOCK_IPT_FILE');
  const before = fs.readFileSync(file, 'latin1');
  s.tick(30);
  // a new psad process: the kernel lost the rules (e.g. a reboot), the record file is there
  const fw2 = new MemFirewall();
  const r2 = new AutoResponse({ ...s.env, backend: fw2 });
  fs.appendFileSync(file, 'not-an-address 12\n198.51.100.1 1000\n');
  r2.startup();
  assert.deepEqual([...fw2.held].sort(), ['2001:db8::9/128', '203.0.113.5/32', '203.0.113.6/32']);
  assert.equal(fs.readFileSync(file, 'latin1'), before, 'same lines, original times; the expired one is gone');
  assert.ok(s.logs.some((l) => l === 'renewed iptables auto-block against 203.0.113.5 for 60 seconds'));
  assert.ok(s.logs.some((l) => /ignoring block record with an invalid address "not-an-address"/.test(l)));
  s.tick(31);
  r2.expire();
  assert.equal(fw2.held.size, 0, 'expiry counts from the original time');
});

test('a failing firewall command is retried, and the table holds only what the firewall holds', () => {
  const s = setup();
  s.fw.failNext = 1;
  s.r.afterBatch(['203.0.113.5'], () => 3, () => false);
  assert.equal(s.r.blocked.size, 0);
  assert.ok(s.logs.some((l) => /could not add iptables block rule for: 203\.0\.113\.5: .*will retry/.test(l)));
  s.r.expire();
  assert.deepEqual([...s.fw.held], ['203.0.113.5/32']);
  assert.equal(s.r.blocked.size, 1);
  // a rule deleted behind psad's back is put back
  s.fw.held.clear();
  s.r.reconcile();
  assert.deepEqual([...s.fw.held], ['203.0.113.5/32']);
  // removal failing: the entry stays until the firewall really let go
  s.tick(61);
  s.fw.failNext = 1;
  s.r.expire();
  assert.equal(s.r.blocked.size, 1);
  s.r.expire();
  assert.equal(s.r.blocked.size, 0);
  assert.equal(s.fw.held.size, 0);
});

test('tcpwrappers: hosts.deny line added, tracked across a restart (R5), removed on expiry', () => {
  const s = setup(['TCPWRAPPERS_BLOCK_METHOD Y;', 'IPTABLES_BLOCK_METHOD N;']);
  s.r.env.backend = null;
  fs.writeFileSync(s.cfg.get('ETC_HOSTS_DENY_FILE'), 'ALL: 192.0.2.200\n', { mode: 0o644 });
  s.r.afterBatch(['203.0.113.5', '2001:db8::7'], () => 3, () => false);
  assert.equal(fs.readFileSync(s.cfg.get('ETC_HOSTS_DENY_FILE'), 'latin1'), 'ALL: 192.0.2.200\nALL: 203.0.113.5\nALL: 2001:db8::7\n');
  assert.ok(s.mails.includes('[psad-status] tcpwrappers AUTO-BLOCK against 203.0.113.5 for 60 seconds'));
  const r2 = new AutoResponse({ ...s.env });
  r2.startup();
  assert.equal(r2.tcpwr.size, 2);
  s.tick(61);
  r2.expire();
  assert.equal(fs.readFileSync(s.cfg.get('ETC_HOSTS_DENY_FILE'), 'latin1'), 'ALL: 192.0.2.200\n');
  assert.equal(fs.statSync(s.cfg.get('ETC_HOSTS_DENY_FILE')).mode & 0o777, 0o644);
  assert.ok(s.mails.includes('[psad-status] removed tcpwrappers block against 203.0.113.5 (timeout expired).'));
});

test('EXTERNAL_BLOCK_SCRIPT runs as an argument list with the first SRCIP replaced', () => {
  assert.deepEqual(externalBlockArgv('/usr/local/bin/notify --ip SRCIP again SRCIP', '10.1.2.3'), ['/usr/local/bin/notify', '--ip', '10.1.2.3', 'again', 'SRCIP']);
  const s = setup(['ENABLE_EXT_BLOCK_SCRIPT_EXEC Y;', 'EXTERNAL_BLOCK_SCRIPT /bin/echo $(reboot) SRCIP;']);
  s.r.afterBatch(['203.0.113.5'], () => 3, () => false);
  assert.deepEqual(s.scripts, [['/bin/echo', '$(reboot)', '203.0.113.5']]);
});

test('record files: legacy lines without a time, IPv6, duplicates, junk', () => {
  const dir = tmpDir('records');
  const f = path.join(dir, 'auto_blocked_iptables');
  fs.writeFileSync(f, '10.1.1.1 1700000000\n10.1.1.2\n2001:db8::1 1700000001\n10.1.1.1 1700000005\n\nfoo bar baz\n10.2.0.0/16 1700000002\n');
  const warn: string[] = [];
  const r = readRecordFile(f, 42, (m) => warn.push(m));
  assert.deepEqual(r.map((x) => `${x.text} ${x.since}`), ['10.1.1.1 1700000000', '10.1.1.2 42', '2001:db8::1 1700000001', '10.2.0.0/16 1700000002']);
  assert.equal(warn.length, 1);
});

// ------------------------------------------------------------------ iptables backend

function recording(state: Map<string, string[]>): { run: Runner; calls: string[][]; inputs: string[] } {
  const calls: string[][] = [];
  const inputs: string[] = [];
  const run: Runner = (cmd, args, input) => {
    calls.push([cmd, ...args]);
    if (input) inputs.push(input);
    const i = args.indexOf('-S');
    if (i >= 0) {
      const chain = args[i + 1];
      const rules = state.get(chain);
      if (!rules) return { status: 1, stdout: '', stderr: `iptables: No chain/target/match by that name.` };
      return { status: 0, stdout: [`-N ${chain}`, ...rules].join('\n') + '\n', stderr: '' };
    }
    if (cmd.endsWith('-restore')) {
      for (const l of input!.split('\n')) {
        let m = /^-I (\S+) (\d+) (.*)$/.exec(l);
        if (m) state.get(m[1])!.splice(Number(m[2]) - 1, 0, `-A ${m[1]} ${m[3]}`);
        m = /^-A (\S+) (.*)$/.exec(l);
        if (m) state.get(m[1])!.push(`-A ${m[1]} ${m[2]}`);
        m = /^-D (\S+) (.*)$/.exec(l);
        if (m) state.set(m[1], state.get(m[1])!.filter((x) => x !== `-A ${m![1]} ${m![2]}`));
      }
      return { status: 0, stdout: '', stderr: '' };
    }
    const n = args.indexOf('-N');
    if (n >= 0) state.set(args[n + 1], []);
    const ins = args.indexOf('-I');
    if (ins >= 0) state.get(args[ins + 1])!.splice(Number(args[ins + 2]) - 1, 0, `-A ${args[ins + 1]} ${args.slice(ins + 3).join(' ')}`);
    return { status: 0, stdout: '', stderr: '' };
  };
  return { run, calls, inputs };
}

function chainsCfg(extra: string[] = []): PsadConfig {
  const dir = tmpDir('chains');
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${dir};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, ...extra, ''].join('\n'));
  return loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
}

test('iptables backend: chains and jumps created with -w, blocks in one iptables-restore per table, REJECT rules found again (R16)', () => {
  const state = new Map<string, string[]>([['INPUT', ['-A INPUT -j LOG --log-prefix "DROP "', '-A INPUT -j DROP']], ['OUTPUT', []], ['FORWARD', []]]);
  const rec = recording(state);
  const cfg = chainsCfg(['IPT_AUTO_CHAIN1 REJECT, src, filter, INPUT, 1, PSAD_BLOCK_INPUT, 1;']);
  // (IPT_AUTO_CHAIN2 and 3 of etc/psad.conf stay defined: only the first tuple here)
  const b = new IptablesBackend({ iptables: '/usr/sbin/iptables', ip6tables: '/usr/sbin/ip6tables', chains: autoChains(cfg, () => undefined).slice(0, 1), run: rec.run, log: () => undefined });
  const net = parseNet('203.0.113.9')!;
  const r = b.apply([{ net, add: true }], true);
  assert.equal(r.done.length, 1);
  for (const c of rec.calls.filter((c) => !c[0].endsWith('-restore'))) assert.equal(c[1], '-w', c.join(' '));
  assert.deepEqual(rec.inputs, ['*filter\n-I PSAD_BLOCK_INPUT 1 -s 203.0.113.9/32 -j REJECT\nCOMMIT\n']);
  assert.deepEqual(state.get('INPUT')!.slice(0, 1), ['-A INPUT -j PSAD_BLOCK_INPUT']);
  // iptables prints the REJECT rule with its default option: still psad's rule
  state.set('PSAD_BLOCK_INPUT', ['-A PSAD_BLOCK_INPUT -s 203.0.113.9/32 -j REJECT --reject-with icmp-port-unreachable']);
  assert.deepEqual(b.blockedIn(net), ['PSAD_BLOCK_INPUT(REJECT)']);
  const d = b.apply([{ net, add: false }], false);
  assert.equal(d.done.length, 1);
  assert.equal(rec.inputs[1], '*filter\n-D PSAD_BLOCK_INPUT -s 203.0.113.9/32 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n');
  assert.deepEqual(state.get('PSAD_BLOCK_INPUT'), []);
});

test('iptables backend: IPv6 to ip6tables with inet_ntop text; both = src rule then dst rule; -1 appends', () => {
  const state = new Map<string, string[]>([['INPUT', []], ['FORWARD', []]]);
  const rec = recording(state);
  const cfg = chainsCfg(['IPT_AUTO_CHAIN1 DROP, both, filter, FORWARD, 1, PSAD_BLOCK_FORWARD, -1;', 'IPT_AUTO_CHAIN2 DROP, src, filter, INPUT, 0, PSAD_BLOCK_INPUT, 0;']);
  const chains = autoChains(cfg, () => undefined).slice(0, 2);
  assert.equal(chains[1].jumpPosition, 1, 'jump position 0 is 1 (R16)');
  assert.equal(chains[1].rulePosition, 1);
  const b = new IptablesBackend({ iptables: '/usr/sbin/iptables', ip6tables: '/usr/sbin/ip6tables', chains, run: rec.run, log: () => undefined });
  b.apply([{ net: parseNet('2001:0db8:0000:0000:0000:0000:0001:0000')!, add: true }, { net: parseNet('2001:db8:0:1::/64')!, add: true }], true);
  assert.ok(rec.calls.every((c) => !c[0].includes('/iptables') || c.includes('-S')), 'nothing IPv4 changed');
  // one transaction, grouped by chain, in tuple order
  assert.deepEqual(rec.inputs, ['*filter\n-A PSAD_BLOCK_FORWARD -s 2001:db8::1:0/128 -j DROP\n-A PSAD_BLOCK_FORWARD -d 2001:db8::1:0/128 -j DROP\n'
    + '-A PSAD_BLOCK_FORWARD -s 2001:db8:0:1::/64 -j DROP\n-A PSAD_BLOCK_FORWARD -d 2001:db8:0:1::/64 -j DROP\n'
    + '-I PSAD_BLOCK_INPUT 1 -s 2001:db8::1:0/128 -j DROP\n-I PSAD_BLOCK_INPUT 1 -s 2001:db8:0:1::/64 -j DROP\nCOMMIT\n']);
  assert.ok(rec.calls.some((c) => c[0] === '/usr/sbin/ip6tables-restore'));
  assert.equal(ruleAddr(parseNet('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1/128');
  assert.equal(ruleAddr(parseNet('2001:db8:0:1:1:1:1:1')!), '2001:db8:0:1:1:1:1:1/128');
});

test('IPT_AUTO_CHAIN errors refuse the configuration instead of spinning (R2)', () => {
  const bad = [
    ['DROP, sideways, filter, INPUT, 1, PSAD_BLOCK_INPUT, 1', /invalid direction sideways/],
    ['DROP, src, filter, INPUT, 1, INPUT, 1', /must differ/],
    ['DROP, src, filter, INPUT', /expected "target, direction/],
    ['DROP, src, filter, INPUT, x, PSAD_BLOCK_INPUT, 1', /positions must be integers/],
    ['DROP, src, filter, INPUT, 1, PSAD_BLOCK_INPUT, -2', /rule position/],
    ['DROP`reboot`, src, filter, INPUT, 1, PSAD_BLOCK_INPUT, 1', /not an iptables table, chain or target name/],
  ] as const;
  for (const [v, re] of bad) {
    const cfg = chainsCfg([`IPT_AUTO_CHAIN1 ${v};`]);
    assert.throws(() => autoChains(cfg, () => undefined), (e: Error) => e instanceof PsadError && re.test(e.message) && /IPT_AUTO_CHAIN1/.test(e.message), v);
  }
  const warn: string[] = [];
  const legacy = autoChains(chainsCfg(['IPT_AUTO_CHAIN1 DROP, src, filter, INPUT, PSAD_BLOCK_INPUT;']), (m) => warn.push(m));
  assert.equal(legacy[0].toChain, 'PSAD_BLOCK_INPUT');
  assert.match(warn[0], /needs to be updated/);
});

test('ENABLE_OVERRIDE_FW_CMD: FW_CMD as the iptables binary, or firewall-cmd with FW_CMD_ARGS before every command', () => {
  const calls: string[][] = [];
  const run: Runner = (cmd, args) => {
    calls.push([cmd, ...args]);
    return { status: 0, stdout: args.includes('-S') ? `-N ${args[args.indexOf('-S') + 1]}\n` : '', stderr: '' };
  };
  const legacy = iptablesBackend(chainsCfg(['ENABLE_OVERRIDE_FW_CMD Y;', 'FW_CMD /usr/sbin/iptables-legacy;']), () => undefined, run);
  legacy.apply([{ net: parseNet('192.0.2.1')!, add: true }, { net: parseNet('2001:db8::1')!, add: true }], false);
  assert.ok(calls.some((c) => c[0] === '/usr/sbin/iptables-legacy-restore'));
  assert.ok(calls.some((c) => c[0] === '/usr/sbin/ip6tables-legacy-restore'));
  calls.length = 0;
  const fwcmd = iptablesBackend(chainsCfg(['ENABLE_OVERRIDE_FW_CMD Y;', 'FW_CMD /usr/bin/firewall-cmd;', 'FW_CMD_ARGS --direct --passthrough ipv4;']), () => undefined, run);
  fwcmd.apply([{ net: parseNet('192.0.2.1')!, add: true }, { net: parseNet('2001:db8::1')!, add: true }], false);
  assert.ok(calls.every((c) => c[0] === '/usr/bin/firewall-cmd'), 'no iptables-restore through firewall-cmd');
  assert.ok(calls.some((c) => c.join(' ') === '/usr/bin/firewall-cmd --direct --passthrough ipv4 -w -t filter -I PSAD_BLOCK_INPUT 1 -s 192.0.2.1/32 -j DROP'));
  assert.ok(calls.some((c) => c.join(' ') === '/usr/bin/firewall-cmd --direct --passthrough ipv6 -w -t filter -I PSAD_BLOCK_INPUT 1 -s 2001:db8::1/128 -j DROP'));
  assert.throws(() => iptablesBackend(chainsCfg(['ENABLE_OVERRIDE_FW_CMD Y;', 'FW_CMD /bin/sh;']), () => undefined, run), /must be an iptables or ip6tables binary/);
});
