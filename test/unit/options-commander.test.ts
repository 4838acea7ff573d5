import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { getopt } from '../../src/config/getopt';
import { psadOptSpecs } from '../../src/config/psad-options';
import { parseDaemonArgs } from '../../src/daemon/kmsgsd';
import { runPsad } from '../helpers/run';

/**
 * The command line as psad 2.4.6's Getopt::Long reads it, through the
 * normaliser and commander: which option a spelling selects, the value it
 * gets, and the messages a refused command line prints.
 */
const SPECS = psadOptSpecs();
const psad = (...argv: string[]) => getopt(argv, SPECS);
const values = (...argv: string[]) => Object.fromEntries(psad(...argv).values);

test('one dash or two, and any unique prefix, select the option', () => {
  assert.deepEqual(values('-Anal'), { 'Analyze-msgs': true });
  assert.deepEqual(values('--Stat'), { Status: true });
  assert.deepEqual(values('-fw-an'), { 'fw-analyze': true });
  assert.deepEqual(values('--Ver'), { Version: true });
  assert.deepEqual(values('-he'), { help: true });
});

test('an exact name wins over the longer names it is a prefix of', () => {
  // -d is a psad 2.1.7 synonym of --debug, and a prefix of --debug-sid and --dns-analysis
  assert.deepEqual(values('-d'), { debug: true });
  assert.deepEqual(values('--CSV'), { CSV: true });
  assert.deepEqual(values('--gnuplot'), { gnuplot: true });
});

test('a prefix of several options is refused with the candidates named, synonyms once', () => {
  assert.deepEqual(psad('--analy').errors, ['Option analy is ambiguous (analysis-auto-block, analysis-fields, analysis-write-data)']);
  assert.deepEqual(psad('--gnuplot-x').errors, ['Option gnuplot-x is ambiguous (gnuplot-x-label, gnuplot-x-range)']);
  assert.match(psad('-fw').errors[0], /^Option fw is ambiguous \(fw-analyze, fw-block-ip, .*, fw-search\)$/);
});

test('synonyms set one option, and a prefix shared only by synonyms is not ambiguous', () => {
  assert.deepEqual(values('--CSV-u'), { 'CSV-unique-lines': true });
  assert.deepEqual(values('--CSV-uniq-lines'), { 'CSV-unique-lines': true });
  assert.deepEqual(values('--gnuplot-3'), { 'gnuplot-3d': true });
  assert.deepEqual(values('--gnuplot-xlabel', 'port'), { 'gnuplot-x-label': 'port' });
  assert.deepEqual(values('-L'), { 'fw-list-auto': true });
  assert.deepEqual(values('--no-passiveos'), { 'no-passive-os': true });
});

test('a value comes after "=" or as the next argument, whatever it looks like', () => {
  assert.deepEqual(values('-m=/var/log/kern.log'), { 'messages-file': '/var/log/kern.log' });
  assert.deepEqual(values('--messages-file', '/var/log/kern.log'), { 'messages-file': '/var/log/kern.log' });
  assert.deepEqual(values('--CSV-fields=src dp:>1023'), { 'CSV-fields': 'src dp:>1023' });
  assert.deepEqual(values('-c', '-K'), { config: '-K' });
  assert.deepEqual(values('--config='), { config: '' });
  assert.deepEqual(values('--CSV-regex=a=b'), { 'CSV-regex': 'a=b' });
});

test('--no-x options are options of their own, unset unless given', () => {
  assert.deepEqual(values('--no-daemon'), { 'no-daemon': true });
  assert.deepEqual(values('--no-whois', '--no-rdns'), { 'no-whois': true, 'no-rdns': true });
  assert.deepEqual(values('-A'), { 'Analyze-msgs': true });
});

test('int options take whole numbers with a sign, and refuse the rest with the name as typed', () => {
  assert.deepEqual(values('--packets', '500', '-I=-5', '--CSV-max-lines=+3'), { packets: 500, Interval: -5, 'CSV-max-lines': 3 });
  assert.deepEqual(psad('--packets', 'x').errors, ['Value "x" invalid for option packets (number expected)']);
  assert.deepEqual(psad('-p', '1.5').errors, ['Value "1.5" invalid for option p (number expected)']);
  assert.deepEqual(psad('--pack=').errors, ['Value "" invalid for option packets (number expected)']);
});

test('a repeated option keeps its last value; a refused value does not replace the one before', () => {
  assert.deepEqual(values('-c', 'a.conf', '--config', 'b.conf'), { config: 'b.conf' });
  assert.deepEqual(values('--packets', '5', '-p', '7'), { packets: 7 });
  const r = psad('--packets', '5', '--packets', 'x');
  assert.equal(r.values.get('packets'), 5);
  assert.deepEqual(r.errors, ['Value "x" invalid for option packets (number expected)']);
  assert.equal(psad('--packets', 'x').values.has('packets'), false);
});

test('unknown options, a value given to a flag, and a missing value are refused', () => {
  assert.deepEqual(psad('--nosuch').errors, ['Unknown option: nosuch']);
  assert.deepEqual(psad('--kill').errors, ['Unknown option: kill']);
  assert.deepEqual(psad('--=x').errors, ['Unknown option: ']);
  assert.deepEqual(psad('--Status=1').errors, ['Option Status does not take an argument']);
  assert.deepEqual(psad('-c').errors, ['Option config requires an argument']);
});

test('every refused argument has its message, in the order of the command line', () => {
  assert.deepEqual(psad('--packets', 'x', '--nosuch', '-A', '-p', 'y', '--Status=1', '--fw', '-c').errors, [
    'Value "x" invalid for option packets (number expected)',
    'Unknown option: nosuch',
    'Value "y" invalid for option p (number expected)',
    'Option Status does not take an argument',
    'Option fw is ambiguous (fw-analyze, fw-block-ip, fw-del-chains, fw-dump, fw-file, fw-include-ips, fw-list-auto, fw-rm-block-ip, fw-search)',
    'Option config requires an argument',
  ]);
});

test('"--" ends the options; other arguments are kept aside', () => {
  const r = psad('foo', '-A', '-', '--', '-K', '--Flush');
  assert.deepEqual(Object.fromEntries(r.values), { 'Analyze-msgs': true });
  assert.deepEqual(r.rest, ['foo', '-', '-K', '--Flush']);
  assert.deepEqual(r.errors, []);
});

test('psad prints every message, then the pointer to -h, and exits 1', () => {
  const r = runPsad(['--packets', 'x', '--nosuch', '-Anal']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Value "x" invalid for option packets (number expected)\nUnknown option: nosuch\n[*] See \'psad -h\' for usage information\n');
  assert.equal(r.stdout, '');
});

test('psad -Vers and --he: the version and the help, exit 0', () => {
  const v = runPsad(['-Vers']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^\[\+\] psad v2\.4\.6 /);
  const h = runPsad(['--he']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^\npsad: the Port Scan Attack Detector/);
});

test('kmsgsd and psadwatchd: the same rules on their own options', () => {
  const ok = parseDaemonArgs(['--conf', 'a.conf', '-O=b.conf,c.conf', '--no', '-D']);
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.args.configFile, path.resolve('a.conf'));
  assert.deepEqual(ok.args.overrides, [path.resolve('b.conf'), path.resolve('c.conf')]);
  assert.equal(ok.args.noDaemon, true);
  assert.equal(ok.args.dump, true);
  assert.deepEqual(parseDaemonArgs(['-c']).errors, ['Option c requires an argument']);
  assert.deepEqual(parseDaemonArgs(['--V=1', '-x', 'extra']).errors, ['Option V does not take an argument', 'Unknown option: x', 'Unexpected argument: extra']);
});
