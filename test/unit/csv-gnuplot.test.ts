import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startYear, timeAxis, ipRanks, plotDirectives, GnuplotOptions } from '../../src/report/gnuplot';
import { csvFields, fieldText, matchRow } from '../../src/report/csv';
import { dateTime } from '../../src/engine/scan-time';
import { syntheticPackets } from '../../src/cli/benchmark';
import { Packet } from '../../src/ingest/packet';
import { parseLine, newParserState, PKT_SUCCESS, ParserOptions } from '../../src/ingest/parse';

const NOV_24 = new Date(2026, 10, 24, 12, 0, 0);

test('the year of gnuplot time stamps: the newest line is this year unless its date lies after today', () => {
  assert.equal(startYear(['Mar 11 20:35:11', 'Mar 11 20:36:53'], NOV_24), 2026);
  assert.equal(startYear(['Nov 24 23:59:59'], NOV_24), 2026);
  assert.equal(startYear(['Nov 25 00:00:01'], NOV_24), 2025);
  assert.equal(startYear(['Dec 20 20:10:01'], NOV_24), 2025);
  // walking back from the newest line, each month increase is the previous year
  assert.equal(startYear(['Nov 30 10:00:00', 'Dec 31 23:59:59', 'Jan  1 00:00:01', 'Mar  2 08:00:00'], NOV_24), 2025);
  assert.equal(startYear(['Oct  1 10:00:00', 'Jan  1 00:00:01', 'Dec 31 23:00:00', 'Feb  1 00:00:00'], NOV_24), 2024);
  // lines without a syslog date are skipped; none at all: this year
  assert.equal(startYear(['2015-03-07T05:09:30.045015+02:00'], NOV_24), 2026);
  assert.equal(startYear([], NOV_24), 2026);
});

test('future syslog dates in -A move back one calendar year (psad 2.4.6: 356 days)', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0) / 1000;
  assert.equal(dateTime('Dec 20 20:10:01', now), Date.UTC(2025, 11, 20, 20, 10, 1) / 1000);
  assert.equal(dateTime('Mar 11 20:35:11', now), Date.UTC(2026, 2, 11, 20, 35, 11) / 1000);
  assert.equal(dateTime('Nov 24 12:00:01', now), Date.UTC(2025, 10, 24, 12, 0, 1) / 1000);
  assert.equal(dateTime('not a date', now), now);
});

test('time axis: tics and time-of-day labels for spans under two days, psad\'s "%m/%d" beyond', () => {
  assert.deepEqual(timeAxis(100), { format: '%m/%d\\n%H:%M:%S', tics: 30 });
  assert.deepEqual(timeAxis(7200), { format: '%m/%d\\n%H:%M', tics: 1800 });
  assert.deepEqual(timeAxis(86400), { format: '%m/%d\\n%H:%M', tics: 21600 });
  assert.deepEqual(timeAxis(0), { format: '%m/%d\\n%H:%M:%S', tics: 0 });
  assert.equal(timeAxis(3 * 86400), null);
  assert.equal(timeAxis(NaN), null);
  for (const span of [5, 59, 600, 3599, 40000, 150000]) {
    const a = timeAxis(span)!;
    assert.ok(span / a.tics <= 6, `${span}: at most 6 intervals`);
  }
});

test('address ranks: IPv4 in numeric order, IPv6 by value after them', () => {
  const r = ipRanks(['192.168.10.55', '10.0.0.2', '192.168.10.1', '10.0.0.2', '9.255.255.255',
    'fe80:0000:0000:0000:0213:46ff:fe3a:4136', '2001:0db8:0000:f101:0000:0000:0000:0002', '2001:0db8:0000:f101:0000:0000:0000:0001']);
  assert.deepEqual([...r.entries()].sort((a, b) => a[1] - b[1]).map((e) => e[0]), ['9.255.255.255', '10.0.0.2', '192.168.10.1',
    '192.168.10.55', '2001:0db8:0000:f101:0000:0000:0000:0001', '2001:0db8:0000:f101:0000:0000:0000:0002',
    'fe80:0000:0000:0000:0213:46ff:fe3a:4136']);
});

function opts(over: Partial<GnuplotOptions>): GnuplotOptions {
  return {
    file: null, fieldsText: '', regex: '', negRegex: '', maxRows: 0, startLine: 0, endLine: 0, separator: ', ',
    datFile: 'd.dat', plotFile: 'p.gnu', pngFile: 'i.png', filePrefix: '', template: '', interactive: false, title: '',
    legendTitle: '', xLabel: '', xRange: '', yLabel: '', yRange: '', zLabel: '', zRange: '', graphStyle: '', sortStyle: 'value',
    threeD: false, view: '', grayscale: false, args: [], now: NOV_24, ...over,
  };
}

test('.gnu directives: labels from the raw tokens without "_", the count keyword as z label', () => {
  const o = opts({ fieldsText: 'src_mac ip_len dp:countuniq' });
  assert.equal(plotDirectives(o, csvFields(o.fieldsText), 'countuniq', { dat: 'd.dat', png: 'i.png' }, NaN), [
    'reset', 'set title "psad iptables log visualization: srcmac iplen dp:countuniq"', 'set terminal png transparent nocrop enhanced',
    'set output "i.png"', 'set xlabel "srcmac"', 'set ylabel "iplen"', 'set zlabel "countuniq"',
    "splot 'd.dat' using 1:2:3 with points title '(srcmac,iplen,dp)'", ''].join('\n'));
  const t = opts({ fieldsText: 'timestamp dp', xRange: '1741725311:1741725411', interactive: true, graphStyle: 'points' });
  assert.equal(plotDirectives(t, csvFields(t.fieldsText), '', { dat: 'd.dat', png: 'i.png' }, 100), [
    'reset', 'set title "psad iptables log visualization: timestamp dp"', 'set xdata time', 'set timefmt "%s"',
    'set format x "%m/%d\\n%H:%M:%S"', 'set xtics 30', 'set xlabel "time"', 'set xrange ["1741725311":"1741725411"]',
    'set ylabel "dp"', "plot 'd.dat' using 1:2 with points title '(timestamp,dp)'", ''].join('\n'));
});

const POPTS: ParserOptions = {
  requireInOut: true, ignoreKernelTimestamp: true, ignoreLogPrefixes: null, interfaceOnly: '', ignoreInterfaces: new Set(),
  customTsRe: null, noSnortSids: false, snortSidRe: /SID(\d+)/, fwSearchAll: true, fwSearch: [], ipv6Detection: true,
  ignoreProtocols: new Set(), ignoreConntrackBugPkts: true, expectTcpOptions: true, ignorePorts: new Map(), dshield: false,
  restrictNet: null, nowText: () => 'Tue Nov 24 12:00:00 2026',
};

test('the benchmark\'s synthetic packets: N+1 SYN packets from port 1000 up, capped at 50000', () => {
  const lines = syntheticPackets(3);
  assert.equal(lines.length, 4);
  const st = newParserState();
  lines.forEach((l, i) => {
    const p = new Packet();
    assert.equal(parseLine(l, false, p, POPTS, st), PKT_SUCCESS);
    assert.deepEqual([p.src, p.dst, p.proto, p.flags, p.dp], ['192.168.10.2', '192.168.10.1', 'tcp', 'SYN', 1000 + i]);
  });
  const many = syntheticPackets(60000);
  assert.match(many[49000], /DPT=50000 /);
  assert.match(many[60000], /DPT=50000 /);
});

test('field criteria: numbers, ranges, negation, strings, regexes and networks on the printed values', () => {
  const p = new Packet();
  parseLine(syntheticPackets(0)[0], false, p, POPTS, newParserState());
  const row = (spec: string) => matchRow(csvFields(spec), p);
  assert.deepEqual(row('src s_obj dp ttl flags'), ['192.168.10.2', '192.168.10.2/32', '1000', '110', 'SYN']);
  assert.deepEqual(row('dp:>999 dp:<1001 ttl:110 ttl:not111'), ['1000', '1000', '110', '110']);
  assert.equal(row('dp:>1000'), null);
  assert.equal(row('flags:not/SYN/'), null);
  assert.deepEqual(row("flags:'SYN' src:192.168.10.0/24 dst:not10.0.0.0/8"), ['SYN', '192.168.10.2', '192.168.10.1']);
  assert.equal(row('src:192.168.11.0/24'), null);
  // numeric criteria need a numeric value; -1 (not logged) never matches
  assert.equal(row('itype:>0'), null);
  assert.equal(fieldText(p, 'd_obj'), '192.168.10.1/32');
  assert.equal(fieldText(p, 'itype'), '-1');
});
