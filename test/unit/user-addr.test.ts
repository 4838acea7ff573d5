import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Net, ipv4Addr, makeNet, netText, parseNet } from '../../src/net/addr';
import { parseUserNet } from '../../src/net/user-addr';
import { loadConfig } from '../../src/config/config';
import { PsadError } from '../../src/config/errors';
import { parseAutoDl } from '../../src/data/auto-dl';
import { localNetworks } from '../../src/pipeline/runtime';
import { homeNetsOf } from '../../src/respond/env';
import { parseSocketLine } from '../../src/respond/auto-response';
import { fwBlockIp, blockedStatus } from '../../src/cli/fw-commands';
import { ROOT, tmpDir } from '../helpers/paths';

/**
 * parseUserNet: every address and network a user gives goes through ip-num.
 * It accepts and refuses what the project's own parser (parseNet, still used
 * for what programs print and psad's record files) did, with the same
 * result, except that an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the
 * IPv4 address.
 */

const text = (s: string): string | null => {
  const n = parseUserNet(s);
  return n && `${n.v6 ? 'v6' : 'v4'} ${netText(n)}`;
};

test('accepted forms: IPv4, /bits, /netmask, IPv6, v6/bits; host bits cleared; white space around ignored', () => {
  const cases: [string, string][] = [
    ['192.0.2.1', 'v4 192.0.2.1/32'],
    ['192.0.2.77/24', 'v4 192.0.2.0/24'],
    ['172.16.0.0/255.240.0.0', 'v4 172.16.0.0/12'],
    ['10.0.0.0/0.0.0.0', 'v4 0.0.0.0/0'],
    ['0.0.0.0/0', 'v4 0.0.0.0/0'],
    ['255.255.255.255/32', 'v4 255.255.255.255/32'],
    ['10.1.2.3/024', 'v4 10.1.2.0/24'],
    ['2001:DB8::1', 'v6 2001:db8::1/128'],
    ['2001:db8::1/48', 'v6 2001:db8::/48'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 'v6 2001:db8::1/128'],
    ['::', 'v6 ::/128'],
    ['::/0', 'v6 ::/0'],
    ['1:2:3:4:5:6:7::', 'v6 1:2:3:4:5:6:7:0/128'],
    ['1:2:3:4:5:6:1.2.3.4', 'v6 1:2:3:4:5:6:102:304/128'],
    ['fe80::1/0128', 'v6 fe80::1/128'],
    [' \t10.0.0.1\n', 'v4 10.0.0.1/32'],
  ];
  for (const [s, want] of cases) assert.equal(text(s), want, JSON.stringify(s));
});

test('leading zeros as inet_aton (and psad 2.4.6) read them: octal, 08 refused', () => {
  assert.equal(text('010.0.0.1'), 'v4 8.0.0.1/32');
  assert.equal(text('10.0.0.0/0377.0377.0.0'), 'v4 10.0.0.0/16');
  assert.equal(text('00.00.00.00'), 'v4 0.0.0.0/32');
  assert.equal(text('::ffff:0300.0.2.1'), 'v4 192.0.2.1/32');
  assert.equal(text('1::010.0.0.1'), 'v6 1::800:1/128');
  for (const s of ['08.1.1.1', '1.2.3.09', '0400.1.1.1', '1.2.3.4/255.255.255.08']) assert.equal(text(s), null, s);
});

test('refused: bad octets, /33, /129, netmasks that are not one or on IPv6, zones, white space inside', () => {
  for (const s of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '+1.2.3.4', '1.2.3.-4', '1.2.3.4x', '', ' ', '/24',
    '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/24/8', '10.0.0.0/255.0.255.0', '10.0.0.0/255.255.255.256', '10.0.0.1 /24', '10.0.0.1/ 24',
    '2001:db8::/129', '2001:db8::/', '2001:db8::/ffff::', '2001:db8::/255.255.255.0', 'fe80::1%eth0', '::1%', '1::2::3', ':::', 'g::1',
    '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6::1.2.3.4', '::ffff:256.1.1.1', '::ffff:1.2.3', '2001:db8:: 1', '10.0.0.1, 10.0.0.2']) {
    assert.equal(text(s), null, JSON.stringify(s));
  }
});

test('IPv4-mapped IPv6 (::ffff:a.b.c.d, however written, /96 or longer) is the IPv4 address or network', () => {
  assert.deepEqual(parseUserNet('::ffff:192.0.2.1'), parseNet('192.0.2.1'));
  assert.deepEqual(parseUserNet('::FFFF:c000:201'), parseNet('192.0.2.1'));
  assert.deepEqual(parseUserNet('0:0:0:0:0:ffff:192.0.2.1'), parseNet('192.0.2.1'));
  assert.deepEqual(parseUserNet('::ffff:192.0.2.77/120'), parseNet('192.0.2.0/24'));
  assert.deepEqual(parseUserNet('::ffff:0:0/96'), parseNet('0.0.0.0/0'));
  // not IPv4-mapped: shorter prefixes, IPv4-compatible (::a.b.c.d) and other ::xxxx: forms stay IPv6
  assert.equal(text('::ffff:192.0.2.1/80'), 'v6 ::/80');
  assert.equal(text('::192.0.2.1'), 'v6 ::c000:201/128');
  assert.equal(text('::fffe:192.0.2.1'), 'v6 ::fffe:c000:201/128');
  assert.equal(text('1::ffff:192.0.2.1'), 'v6 1::ffff:c000:201/128');
});

/** What parseNet gives, with the one intended difference applied. */
function expected(s: string): Net | null {
  const n = parseNet(s);
  if (!n || !n.v6 || n.prefix < 96 || n.addr.w0 !== 0 || n.addr.w1 !== 0 || n.addr.w2 !== 0xffff) return n;
  return makeNet(ipv4Addr(n.addr.w3), n.prefix);
}

test('property: the same verdict and network as the project\'s own parser for address-like text', () => {
  const piece = fc.constantFrom('0', '1', '7', '8', '00', '010', '08', '255', '256', '0377', 'ffff', 'FFFF', 'db8', '2001', 'abcd', 'g',
    '12345', '.', '.', ':', ':', '::', '/', '/', '24', '32', '33', '96', '120', '128', '129', '255.255.255.0', '255.0.255.0', '%', ' ', '-');
  fc.assert(fc.property(fc.array(piece, { maxLength: 14 }).map((a) => a.join('')), (s) => {
    assert.deepEqual(parseUserNet(s), expected(s), JSON.stringify(s));
  }), { numRuns: 20000 });
  for (const s of ['192.0.2.1/255.255.255.0', '::ffff:1.2.3.4/128', '::ffff:1.2.3.4/95', '1:2:3:4:5:6:7:8', '::1.2.3.4', '1.2.3.4/32']) {
    assert.deepEqual(parseUserNet(s), expected(s), s);
  }
});

function config(dir: string, extra: string[]) {
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${dir}/root;`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, `AUTO_DL_FILE ${dir}/auto_dl;`,
    // blocks go to hosts.deny in the scratch directory; iptables is never run
    'ENABLE_AUTO_IDS Y;', 'IPTABLES_BLOCK_METHOD N;', 'TCPWRAPPERS_BLOCK_METHOD Y;', `ETC_HOSTS_DENY_FILE ${dir}/hosts.deny;`,
    'iptablesCmd /bin/false;', 'ip6tablesCmd /bin/false;', ...extra, ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'auto_dl'), '');
  return loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
}

test('auto_dl: an ::ffff:a.b.c.d entry is the IPv4 address (or network)', () => {
  const warns: string[] = [];
  const dl = parseAutoDl(['::ffff:192.0.2.7 0;', '::ffff:198.51.100.9/120 2 tcp;', '::ffff:192.0.2.8/200 1;', '2001:db8::7 3;'],
    'auto_dl', (m) => warns.push(m), () => null);
  assert.deepEqual(dl.map((e) => [e.key, e.net.v6, netText(e.net), e.dl]), [
    ['::ffff:192.0.2.7', false, '192.0.2.7/32', 0],
    ['::ffff:198.51.100.9', false, '198.51.100.0/24', 2],
    ['2001:db8::7', true, '2001:db8::7/128', 3],
  ]);
  assert.deepEqual(warns, ['auto_dl:3: auto_dl entry "::ffff:192.0.2.8/200" is not a valid address or network, skipped']);
});

test('HOME_NET: an ::ffff:a.b.c.d entry is the IPv4 network, for the local networks and the never-block check', () => {
  const cfg = config(tmpDir('uaddr-home'), ['HOME_NET ::ffff:192.0.2.1, ::ffff:198.51.100.0/120;']);
  assert.deepEqual(homeNetsOf(cfg), [parseNet('192.0.2.1'), parseNet('198.51.100.0/24')]);
  const local = config(tmpDir('uaddr-local'), ['HOME_NET ::ffff:192.0.2.1, 10.0.0.0/8;', 'ENABLE_INTF_LOCAL_NETS N;', 'IFCFGTYPE iproute2;']);
  assert.deepEqual(localNetworks(local, false, () => undefined), [parseNet('192.0.2.1'), parseNet('10.0.0.0/8')]);
  // a mapped network with a prefix over 32: psad's dotted-quad pattern picks out "198.51.100.0/120", no network; no crash
  const mapped = config(tmpDir('uaddr-mapped'), ['HOME_NET ::ffff:198.51.100.0/120;', 'ENABLE_INTF_LOCAL_NETS N;', 'IFCFGTYPE iproute2;']);
  const warns: string[] = [];
  assert.deepEqual(localNetworks(mapped, false, (m) => warns.push(m)), [parseNet('198.51.100.0/24')]);
  assert.ok(warns.every((w) => w.startsWith('config warning: HOME_NET definition')), warns.join('\n'));
});

test('--fw-block-ip, socket requests and --status-ip: ::ffff:a.b.c.d is a.b.c.d', async () => {
  const dir = tmpDir('uaddr-block');
  const cfg = config(dir, []);
  fs.writeFileSync(path.join(dir, 'auto_dl'), '192.0.2.0/24 0;\n');
  await assert.rejects(fwBlockIp(cfg, '::ffff:192.0.2.5', () => undefined, true),
    (e: Error) => e instanceof PsadError && e.message === `192.0.2.5 overlaps with whitelisted 192.0.2.0/24 in ${dir}/auto_dl`);
  await assert.rejects(fwBlockIp(cfg, '::ffff:127.0.0.1', () => undefined, true),
    (e: Error) => e instanceof PsadError && e.message === 'Not blocking 127.0.0.1: it is a loopback address.');
  assert.deepEqual(parseSocketLine('add ::ffff:203.0.113.9'), { kind: 'add', net: parseNet('203.0.113.9'), text: '203.0.113.9' });
  assert.deepEqual(parseSocketLine('del ::ffff:203.0.113.0/120'), { kind: 'del', net: parseNet('203.0.113.0/24'), text: '203.0.113.0/24' });
  fs.mkdirSync(path.dirname(cfg.get('AUTO_BLOCK_IPT_FILE')), { recursive: true });
  fs.writeFileSync(cfg.get('AUTO_BLOCK_IPT_FILE'), '203.0.113.9 1800000000\n203.0.113.10 1800000000\n');
  const lines = blockedStatus(cfg, '::ffff:203.0.113.9', false, () => undefined).lines;
  assert.equal(lines[0], '    iptables auto-blocking status for: ::ffff:203.0.113.9: \n');
  assert.deepEqual(lines.slice(1).filter((l) => l.includes('203.0.113.')), ['      203.0.113.9 (unlimited timeout)\n']);
});
