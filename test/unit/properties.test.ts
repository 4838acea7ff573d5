import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { ROOT, tmpDir } from '../helpers/paths';
import { loadConfig } from '../../src/config/config';
import { parseConfText } from '../../src/config/conf-file';
import { PsadError } from '../../src/config/errors';
import { loadDataTables, engineOptions, engineData, parserOptions, RuntimeFlags } from '../../src/pipeline/runtime';
import { Engine } from '../../src/engine/engine';
import { Batch } from '../../src/engine/state';
import { Packet } from '../../src/ingest/packet';
import { parseLine, newParserState, ParserOptions, PKT_SUCCESS, PKT_IGNORE, PKT_ERROR } from '../../src/ingest/parse';
import { parseAutoDl } from '../../src/data/auto-dl';
import { parseIcmpTypes } from '../../src/data/icmp-types';
import { parseIpOptions } from '../../src/data/ip-options';
import { parsePfOs } from '../../src/data/pf-os';
import { parsePosf } from '../../src/data/posf';
import { parseProtocols } from '../../src/data/protocols';
import { parseSignatures } from '../../src/data/signatures';
import { parseSnortRuleDl } from '../../src/data/snort-rule-dl';
import { parseSnortRules, parseClassification, parseReferenceConfig } from '../../src/data/snort-rules';
import { splitDataLines } from '../../src/data/diagnostics';
import { parseSocketLine } from '../../src/respond/auto-response';
import { getopt } from '../../src/config/getopt';
import { psadOptSpecs } from '../../src/config/psad-options';
import { runPsad } from '../helpers/run';

/**
 * Property tests (fast-check) of everything that reads text from outside:
 * the log line parser (and the engine behind it), the config loader, every
 * data-file loader, the control-socket request parser and the command line.
 * They never throw, never hang, cost time linear in the input, and refuse
 * what they refuse with a message naming the file and line. PSAD_FC_RUNS
 * scales the number of runs (default 1 = the counts below).
 */
const SCALE = Number(process.env.PSAD_FC_RUNS ?? '1');
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: process.env.PSAD_FC_SEED ? Number(process.env.PSAD_FC_SEED) : undefined });

// --- the parser and the engine, with the shipped configuration -----------------------

const FLAGS: RuntimeFlags = {
  analysisMode: true, noSignatures: false, noSnortSids: false, noIcmpTypes: false, noIcmp6Types: false, noAutoDl: false,
  noPassiveOs: false, snortType: '', interfaceOnly: '', restrictIp: '', dshield: true,
};

function setup(extra: string): { popts: ParserOptions; engine: Engine } {
  const dir = tmpDir('props');
  fs.writeFileSync(path.join(dir, 'o.conf'), `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};\nINSTALL_ROOT ${dir};\n${extra}`);
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [path.join(dir, 'o.conf')] });
  const tables = loadDataTables(cfg, FLAGS, () => undefined);
  return { popts: parserOptions(cfg, FLAGS, tables, () => undefined), engine: new Engine(engineOptions(cfg, FLAGS, []), engineData(tables)) };
}

const DEFAULT = setup('');
// the other reading: kmsgsd-style input (no IN=/OUT= requirement), FW_MSG_SEARCH, ignore lists, a custom time stamp regex
const OTHER = setup('ENABLE_SYSLOG_FILE N;\nFW_SEARCH_ALL N;\nIGNORE_PORTS tcp/22, udp/53-60;\nIGNORE_PROTOCOLS 47;\n'
  + 'IGNORE_LOG_PREFIXES REJECT;\nENABLE_CUSTOM_SYSLOG_TS_RE Y;\nIGNORE_KERNEL_TIMESTAMP N;\n');

const LINES = [
  'Jan  1 00:00:00 fw kernel: [ 2671.561306] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=31552 PROTO=TCP SPT=51199 DPT=587 SEQ=1 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)',
  'Jan  1 00:00:01 fw kernel: DROP IN=eth0 OUT=eth1 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 OPT (830700000000) PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1',
  'Jan  1 00:00:02 fw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:86:dd SRC=2001:0db8:0014:0000:0000:0000:0000:0007 DST=2001:0db8:0014:0000:0000:0000:0000:0001 LEN=72 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) PROTO=UDP SPT=4000 DPT=53 LEN=32',
  'Jan  1 00:00:03 fw kernel: [1] SID2003 ESTAB IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=1433 WINDOW=1 RES=0x00 ACK PSH URGP=0',
  'Jan  1 00:00:04 fw kernel: DROP IN=eth0 OUT= SRC=2001:0db8:0014:0000:0000:0000:0000:0007 DST=2001:0db8:0014:0000:0000:0000:0000:0001 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=22',
  '2026-01-01T00:00:05.123456+00:00 fw kernel: DROP IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=20 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47',
  'Jan  1 00:00:06 fw ulogd[99]: DROP IN=eth0 OUT= MAC=00:11 SRC=198.51.100.7 DST=192.0.2.1 LEN=28 TOS=00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8',
];

/** Hostile values: huge and odd numbers, addresses with zones and mapped forms, NULs, bytes that are not UTF-8. */
const hostileValue = fc.oneof(
  fc.constantFrom('9007199254740993', '18446744073709551616', '-1', '0x10', '1e308', '00000000000000000000000000080', 'NaN', '',
    'fe80::1%eth0', '::ffff:192.0.2.1', '::ffff:c000:201', '2001:db8::1%25lo', '1.2.3.4.5', '256.1.1.1', '::', '0:0:0:0:0:0:0:0:0',
    '\0', '\0\0SYN\0', '\xff\xfe\xc3\x28', '\u00e9\u0080', '(', ')', 'OPT (', '[', '] ', 'kernel:', 'IN=', 'OUT=', '='),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }).map(String),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ maxLength: 30 }),
  fc.nat(20000).map((n) => 'A'.repeat(n)),
);

/** A real line, its KEY=value tokens mutated, repeated, dropped or shuffled. */
const mutatedLine = fc.tuple(fc.constantFrom(...LINES), fc.array(fc.tuple(fc.nat(), fc.nat(3), hostileValue), { maxLength: 8 })).map(([line, edits]) => {
  let toks = line.split(' ');
  for (const [at, op, v] of edits) {
    const k = at % toks.length;
    const key = toks[k].includes('=') ? toks[k].slice(0, toks[k].indexOf('=') + 1) : '';
    if (op === 0) toks[k] = `${key}${v}`;
    else if (op === 1) toks.splice(k, 0, ...Array(1 + (at % 50)).fill(toks[k]));
    else if (op === 2) toks.splice(k, 1);
    else toks = [...toks.slice(k), ...toks.slice(0, k)];
  }
  return toks.join(at0(edits) ? '  ' : ' ');
});
function at0(e: [number, number, string][]): boolean { return e.length > 0 && e[0][0] % 7 === 0; }

const anyLine = fc.oneof(
  mutatedLine,
  fc.string({ maxLength: 3000 }),
  fc.string({ unit: 'binary', maxLength: 1000 }),
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.array(fc.constantFrom('IN=', 'OUT=', 'SRC=', 'DST=', 'PROTO=TCP', 'kernel: ', 'OPT (', ')', '[', ' ', 'SPT=1', 'DPT=2', 'SYN', 'LEN=9', 'TYPE=8', 'CODE=0'), { maxLength: 400 }).map((a) => a.join('')),
);

function parseAndObserve(setupUsed: { popts: ParserOptions; engine: Engine }, lines: string[]): void {
  const st = newParserState();
  const batch = new Batch();
  for (const [i, line] of lines.entries()) {
    const pkt = new Packet();
    const rv = parseLine(line, i % 5 !== 4, pkt, setupUsed.popts, st);
    assert.ok(rv === PKT_SUCCESS || rv === PKT_IGNORE || rv === PKT_ERROR);
    if (rv === PKT_SUCCESS) {
      assert.ok(pkt.src && pkt.dst && pkt.proto, `a packet without addresses or protocol from: ${JSON.stringify(line.slice(0, 300))}`);
      setupUsed.engine.processPacket(pkt, batch, 1700000000);
    }
  }
  setupUsed.engine.assignDangerLevels(batch);
}

test('the line parser never throws on random and adversarial lines, and the engine takes what it accepts', () => {
  for (const s of [DEFAULT, OTHER]) {
    fc.assert(fc.property(fc.array(anyLine, { minLength: 1, maxLength: 20 }), (lines) => { parseAndObserve(s, lines); }), runs(400));
  }
});

test('the real lines parse (so the mutations start from lines the parser accepts)', () => {
  const st = newParserState();
  const ok = LINES.filter((l) => parseLine(l, true, new Packet(), DEFAULT.popts, st) === PKT_SUCCESS);
  assert.ok(ok.length >= 5, `${ok.length} of ${LINES.length} lines parse`);
});

/**
 * The cost ratio of parsing `large` and `small`: samples of the two taken
 * in turn (so that other work on the machine disturbs both alike), each
 * repeated until it lasts a few milliseconds, and the least sample of each.
 */
function costRatio(small: string, large: string, opts: ParserOptions): number {
  const timer = (line: string) => {
    let reps = 1;
    const once = () => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) parseLine(line, true, new Packet(), opts, newParserState());
      return Number(process.hrtime.bigint() - t) / reps;
    };
    while (once() * reps < 5e6 && reps < 1 << 16) reps *= 2;
    return once;
  };
  const s = timer(small);
  const l = timer(large);
  let bestS = Infinity;
  let bestL = Infinity;
  for (let i = 0; i < 7; i++) {
    bestS = Math.min(bestS, s());
    bestL = Math.min(bestL, l());
  }
  return bestL / Math.max(bestS, 1);
}

const ADVERSARIAL_UNITS = ['IN=', 'OUT= ', 'kernel: ', 'kernel:IN=', 'SRC=1.2.3.4 ', 'SRC=', 'OPT ( ) ', 'OPT (', '[ ', '[1.2] ', '(', ' ',
  '1', 'DPT=1 ', 'PROTO=TCP ', 'SYN ', 'URGP=0 OPT (', 'SID1 ', 'ID=1 SEQ=2 ', ':', 'ffff:', 'a', '\0', '\xff'];

test('the parser costs time linear in the line\'s length: a 10 times longer line costs at most ~30 times as much (least of repeated timings)', (t) => {
  const ratios: number[] = [];
  fc.assert(fc.property(fc.constantFrom(...LINES), fc.oneof(fc.constantFrom(...ADVERSARIAL_UNITS), fc.string({ minLength: 1, maxLength: 12 })),
    fc.nat(100), (line, unit, at) => {
      // the unit repeated in a real line, 200 KB and 2 MB of it (both past the CPU caches), as flat
      // strings (a concatenation is flattened by its first use, which would count only once)
      const k = Math.ceil(200000 / unit.length);
      const cut = Math.floor((at / 100) * line.length);
      const make = (n: number) => Buffer.from(`${line.slice(0, cut)}${unit.repeat(n)}${line.slice(cut)}`, 'latin1').toString('latin1');
      // linear: ~10; quadratic: ~100. Generous for a busy machine's noise: up to three measurements
      let ratio = Infinity;
      for (let attempt = 0; attempt < 5 && ratio >= 30; attempt++) ratio = Math.min(ratio, costRatio(make(k), make(10 * k), DEFAULT.popts));
      ratios.push(ratio);
      return ratio < 30;
    }), { ...runs(30), examples: [[LINES[0], 'OUT= ', 88]] }); // found by this property: flags of 2 MB (DShield line)
  ratios.sort((a, b) => a - b);
  t.diagnostic(`cost ratio of 10x longer lines: median ${ratios[ratios.length >> 1].toFixed(1)}, highest ${ratios[ratios.length - 1].toFixed(1)}`);
});

test('found by that property: a token of many URGP= before "OPT (" costs linear time (it was quadratic)', () => {
  const base = 'Jan  1 00:00:00 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.4 DST=198.51.100.8 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=1 '
    + 'PROTO=TCP SPT=1 DPT=2 WINDOW=1024 RES=0x00 SYN URGP=0 ';
  const make = (n: number) => Buffer.from(`${base}${'URGP='.repeat(n)} OPT (x`, 'latin1').toString('latin1');
  let ratio = Infinity;
  for (let attempt = 0; attempt < 5 && ratio >= 30; attempt++) ratio = Math.min(ratio, costRatio(make(2000), make(20000), DEFAULT.popts));
  assert.ok(ratio < 30, `cost ratio ${ratio.toFixed(1)} for a 10 times longer token`);
});

// --- config --------------------------------------------------------------------------

const VAR_NAMES = ['DANGER_LEVEL1', 'HOME_NET', 'ENABLE_AUTO_IDS', 'IGNORE_PORTS', 'IGNORE_LOG_PREFIXES', 'FW_MSG_SEARCH', 'STATUS_IP_THRESHOLD',
  'AUTO_BLOCK_TIMEOUT', 'IPT_AUTO_CHAIN1', 'EMAIL_ADDRESSES', 'CHECK_INTERVAL', 'PSAD_DIR', 'SCAN_TIMEOUT', 'MAX_HOPS', 'FW_SEARCH_ALL'];
const confLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(fc.constantFrom(...VAR_NAMES), hostileValue, fc.boolean()).map(([k, v, semi]) => `${k}    ${v}${semi ? ';' : ''}`),
  fc.tuple(fc.constantFrom(...VAR_NAMES), fc.constantFrom(...VAR_NAMES)).map(([k, v]) => `${k} $${v};`),
  fc.constantFrom('# comment', '', '   ', ';', 'X;', '$;', 'A $B$C;', '\r'),
);

test('psad.conf text: parsing never throws; the loader refuses with a message that names the file and line', () => {
  const dir = tmpDir('props-conf');
  const file = path.join(dir, 'fuzz.conf');
  let refused = 0;
  fc.assert(fc.property(fc.array(confLine, { maxLength: 30 }), (lines) => {
    const text = lines.join('\n');
    parseConfText(text, file);
    fs.writeFileSync(file, Buffer.from(text, 'latin1'));
    try {
      loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [file] });
    } catch (e) {
      assert.ok(e instanceof PsadError, `not a PsadError: ${(e as Error).stack}`);
      assert.match(e.message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*line \\d+|line \\d+.*${path.basename(file).replace('.', '\\.')}`), e.message);
      refused++;
    }
  }), runs(300));
  assert.ok(refused > 0, 'no input was refused: the generator is too kind');
});

// --- data files ----------------------------------------------------------------------

function etcLines(name: string): string[] {
  return splitDataLines(fs.readFileSync(path.join(ROOT, 'etc', name), 'latin1'));
}

/** Lines of a real data file, some of them damaged, and random ones. */
function dataLines(name: string): fc.Arbitrary<string[]> {
  const real = etcLines(name).filter((l) => l.trim());
  const line = fc.oneof(
    fc.constantFrom(...real),
    fc.tuple(fc.constantFrom(...real), fc.nat(), hostileValue).map(([l, at, v]) => { const k = at % (l.length + 1); return l.slice(0, k) + v + l.slice(k); }),
    fc.tuple(fc.constantFrom(...real), fc.nat()).map(([l, at]) => l.slice(0, at % (l.length + 1))),
    fc.string({ maxLength: 200 }),
  );
  return fc.array(line, { maxLength: 40 });
}

test('every data-file loader takes arbitrary text without throwing; what it refuses is named with file and line', () => {
  const file = '/etc/psad/fuzzed';
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  fc.assert(fc.property(dataLines('icmp_types'), (l) => { parseIcmpTypes(l); }), runs(150));
  fc.assert(fc.property(dataLines('icmp6_types'), (l) => { parseIcmpTypes(l); }), runs(100));
  fc.assert(fc.property(dataLines('ip_options'), (l) => { parseIpOptions(l); }), runs(150));
  fc.assert(fc.property(dataLines('pf.os'), (l) => { parsePfOs(l); }), runs(150));
  fc.assert(fc.property(dataLines('protocols'), (l) => { parseProtocols(l); }), runs(150));
  fc.assert(fc.property(dataLines('snort_rule_dl'), (l) => { parseSnortRuleDl(l); }), runs(100));
  fc.assert(fc.property(dataLines('signatures'), (l) => {
    parseSnortRules(l, new Map());
    parseClassification(l);
    parseReferenceConfig(l);
  }), runs(100));
  fc.assert(fc.property(dataLines('posf'), (l) => {
    warnings.length = 0;
    parsePosf(l, file, warn);
    for (const w of warnings) assert.ok(w.startsWith(`${file}: `), w);
  }), runs(150));
  fc.assert(fc.property(dataLines('auto_dl'), (l) => {
    warnings.length = 0;
    parseAutoDl(l, file, warn, () => null);
    for (const w of warnings) assert.match(w, new RegExp(`^${file}:\\d+: `), w);
  }), runs(150));
  const vars = new Map([['HOME_NET', 'any'], ['EXTERNAL_NET', 'any'], ['HTTP_SERVERS', 'any'], ['SMTP_SERVERS', 'any'], ['DNS_SERVERS', 'any'],
    ['SQL_SERVERS', 'any'], ['TELNET_SERVERS', 'any'], ['AIM_SERVERS', '[64.12.24.0/24]'], ['HTTP_PORTS', '80'], ['SHELLCODE_PORTS', '!80'], ['ORACLE_PORTS', '1521']]);
  const ipOptions = parseIpOptions(etcLines('ip_options'));
  let skipped = 0;
  fc.assert(fc.property(dataLines('signatures'), fc.boolean(), (l, strict) => {
    warnings.length = 0;
    try {
      parseSignatures(l, file, { vars, classDl: new Map(), ipOptions, strict }, warn);
    } catch (e) {
      // ENABLE_SNORT_SIG_STRICT Y: an unsupported option or a missing psad_id stops psad, with file and line
      assert.ok(strict && e instanceof PsadError, `${(e as Error).stack}`);
      assert.match(e.message, /line:? \d+/);
      assert.ok(e.message.includes(file), e.message);
    }
    for (const w of warnings) assert.match(w, new RegExp(`^${file}:\\d+: signature skipped: `), w);
    skipped += warnings.length;
  }), runs(200));
  assert.ok(skipped > 0, 'no signature line was refused: the generator is too kind');
});

// --- control socket and command line ---------------------------------------------------

test('control-socket requests: garbage is refused (null), never thrown, and an accepted request names a real network', () => {
  const request = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.tuple(fc.constantFrom('add', 'del', 'ADD', 'flush', 'flush delchains', 'add  ', 'del\t'), hostileValue).map(([c, v]) => `${c} ${v}`),
    fc.tuple(fc.constantFrom('add ', 'del '), fc.ipV4(), fc.constantFrom('', '/24', '/33', '; reboot', ' `id`', '$(id)', '\n1.1.1.1')).map(([c, a, t]) => `${c}${a}${t}`),
    fc.tuple(fc.constantFrom('add ', 'del '), fc.ipV6()).map(([c, a]) => `${c}${a}`),
  );
  let accepted = 0;
  fc.assert(fc.property(request, (line) => {
    const r = parseSocketLine(line);
    if (r === null || r.kind === 'flush') return;
    accepted++;
    // the text of what is blocked is an address or network and nothing else (no shell or rule syntax)
    assert.match(r.text, /^[0-9a-fA-F.:]+(\/\d{1,3})?$/, `${JSON.stringify(line)} -> ${r.text}`);
    assert.ok(!/[;`$|&\s]/.test(r.text));
  }), runs(500));
  assert.ok(accepted > 0);
});

const SPECS = psadOptSpecs();
const argvArb = fc.array(fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 20 }).map((s) => `-${s}`),
  fc.string({ maxLength: 20 }).map((s) => `--${s}`),
  fc.constantFrom(...SPECS.map((s) => s.name)).map((n) => `--${n}=`),
  hostileValue,
), { maxLength: 8 });

test('the command line parser never throws; unknown, ambiguous or malformed options are refused with a message', () => {
  let refused = 0;
  fc.assert(fc.property(argvArb, (argv) => {
    const r = getopt(argv, SPECS);
    for (const e of r.errors) assert.match(e, /^(Unknown option: |Option .* is ambiguous|Option .* requires an argument|Value ".*" invalid for option |Option .* does not take an argument)/s, e);
    if (r.errors.length) refused++;
  }), runs(1000));
  assert.ok(refused > 100, `${refused} refused`);
});

test('psad with a refused command line: exit 1, the parser\'s message and a pointer to -h, nothing else happens', () => {
  const dir = tmpDir('props-cli');
  // only argument lists the parser refuses: random options must never run a mode (-K, -F, --fw-block-ip...)
  const conf = ['-c', path.join(dir, 'none.conf')];
  const refusedArgv = argvArb.map((a) => [...a, ...conf]).filter((a) => getopt(a, SPECS).errors.length > 0 && !a.some((x) => x.includes('\0')));
  fc.assert(fc.property(refusedArgv, (argv) => {
    const r = runPsad(argv);
    assert.equal(r.status, 1, `${JSON.stringify(argv)}: ${r.stderr}`);
    assert.match(r.stderr, /See 'psad -h' for usage information/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, r.stderr);
    assert.equal(r.stdout, '');
  }), runs(15));
  assert.deepEqual(fs.readdirSync(dir), []);
});
