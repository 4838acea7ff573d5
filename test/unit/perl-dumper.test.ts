import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { perlDumper, PerlValue } from '../../src/text/perl-dumper';

/** Data::Dumper's layout (Indent 2, quoted keys, Sortkeys), which -U and --debug --verbose print psad's hashes in. */
test('perlDumper: the layout of Data::Dumper', () => {
  const v: PerlValue = new Map<string, PerlValue>([
    ['neg', -5], ['a', 1], ['n', 12345678901], ['f', 0.5], ['e', new Map()],
    ['b', new Map<string, PerlValue>([['d', "it's \\"], ['cc', [1, 'x', new Map(), []]]])],
  ]);
  assert.equal(perlDumper(v), [
    '$VAR1 = {',
    "          'a' => 1,",
    "          'b' => {",
    "                   'cc' => [",
    '                             1,',
    "                             'x',",
    '                             {},',
    '                             []',
    '                           ],',
    "                   'd' => 'it\\'s \\\\'",
    '                 },',
    "          'e' => {},",
    "          'f' => '0.5',",
    "          'n' => '12345678901',",
    "          'neg' => -5",
    '        };',
    '',
  ].join('\n'));
  assert.equal(perlDumper(new Map()), '$VAR1 = {};\n');
});

const PERL = spawnSync('perl', ['-MJSON::PP', '-MData::Dumper', '-e', '1']).status === 0;

/** Random nested hashes as Maps and as JSON for Perl. */
function randomValue(seed: number): [PerlValue, unknown] {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const gen = (depth: number): [PerlValue, unknown] => {
    const k = rnd(depth > 3 ? 3 : 6);
    if (k === 0) { const n = rnd(3) === 0 ? 1700000000 + rnd(1e6) * 1000 : rnd(70000) - 5; return [n, n]; }
    if (k === 1) { const s = ['SYN', '0x00', 'eth0', "a'b", '', 'INPUT', '192.168.10.55'][rnd(7)]; return [s, s]; }
    if (k === 2) { const n = rnd(1e6) * 100000; return [n, n]; }
    if (k === 3 || k === 4) {
      const m = new Map<string, PerlValue>();
      const o: Record<string, unknown> = {};
      for (let i = rnd(5); i > 0; i--) {
        const key = ['tcp', 'udp', 'abs_sp', 'abs_ep', '1083', '23', 'INPUT', 'eth1', '10.0.0.1', 'fd77:0000:0000:0000:0000:0000:0000:0002', 'sid'][rnd(11)];
        const [pv, jv] = gen(depth + 1);
        m.set(key, pv);
        o[key] = jv;
      }
      return [m, o];
    }
    const a: PerlValue[] = [];
    const j: unknown[] = [];
    for (let i = rnd(4); i > 0; i--) {
      const [pv, jv] = gen(depth + 1);
      a.push(pv);
      j.push(jv);
    }
    return [a, j];
  };
  const m = new Map<string, PerlValue>();
  const o: Record<string, unknown> = {};
  for (let i = 0; i < 4; i++) {
    const [pv, jv] = gen(1);
    m.set(`key${i}`, pv);
    o[`key${i}`] = jv;
  }
  return [m, o];
}

test('perlDumper: byte for byte what Perl\'s Data::Dumper prints (Sortkeys)', { skip: !PERL && 'perl with JSON::PP and Data::Dumper is not installed' }, () => {
  const script = 'use JSON::PP; use Data::Dumper; $Data::Dumper::Sortkeys = 1; local $/; print Dumper($_), "\\0" for @{JSON::PP->new->decode(<STDIN>)};';
  const values = Array.from({ length: 300 }, (_, i) => randomValue(i + 1));
  const r = spawnSync('perl', ['-e', script], { input: JSON.stringify(values.map(([, j]) => j)), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const dumps = r.stdout.split('\0');
  values.forEach(([v], i) => assert.equal(perlDumper(v), dumps[i], `seed ${i + 1}`));
});
