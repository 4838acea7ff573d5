import { OptSpec, OptType } from './getopt';

/** One psad option: its names (synonyms share the key), type and whether this build implements it. */
interface Opt {
  names: string[];
  type: OptType;
  key: string;
}

const f = (key: string, ...names: string[]): Opt => ({ names: names.length ? names : [key], type: 'flag', key });
const s = (key: string, ...names: string[]): Opt => ({ names: names.length ? names : [key], type: 'string', key });
const i = (key: string, ...names: string[]): Opt => ({ names: names.length ? names : [key], type: 'int', key });

/**
 * Every option of psad 2.4.6 (and the fixed spellings), keyed by its main
 * name; synonyms share the key. Also the options of the psad 2.1.7 man page
 * that 2.4.6 dropped, with their 2.1.7 meaning.
 */
export const PSAD_OPTS: Opt[] = [
  s('signatures', 'signatures', 's'), f('sig-update'), s('passive-os-sigs'), s('snort-type'), s('snort-rdir'), s('auto-dl', 'auto-dl', 'a'),
  s('use-store-file'), f('Analyze-msgs'), f('analysis-write-data', 'analysis-write-data', 'analyze-write-data'),
  f('analysis-auto-block'), s('analysis-fields', 'analysis-fields', 'analyze-fields'), f('stdin'),
  f('whois-analysis'), f('dns-analysis'), f('email-analysis'), s('messages-file'), f('get-next-rule-id'),
  f('gnuplot'), s('gnuplot-dat-file'), s('gnuplot-plot-file'), s('gnuplot-png-file'), f('gnuplot-interactive'),
  s('gnuplot-title'), s('gnuplot-legend-title', 'gnuplot-legend-titls', 'gnuplot-legend-title'),
  s('gnuplot-x-label', 'gnuplot-x-label', 'gnuplot-xlabel'), s('gnuplot-x-range', 'gnuplot-x-range', 'gnuplot-xrange'),
  s('gnuplot-y-label', 'gnuplot-y-label', 'gnuplot-ylabel'), s('gnuplot-y-range', 'gnuplot-y-range', 'gnuplot-yrange'),
  s('gnuplot-z-label', 'gnuplot-z-label', 'gnuplot-zlabel'), s('gnuplot-z-range', 'gnuplot-z-range', 'gnuplot-zrange'),
  s('gnuplot-graph-style'), s('gnuplot-sort-style'), f('gnuplot-3d', 'gnuplot-3d', 'gnuplot-3D'), s('gnuplot-view'),
  f('gnuplot-grayscale'), s('gnuplot-file-prefix'), s('gnuplot-template'),
  f('CSV'), s('CSV-fields'), f('CSV-unique-lines', 'CSV-unique-lines', 'CSV-uniq-lines'), i('CSV-max-lines'), i('CSV-start-line'), i('CSV-end-line'),
  s('CSV-regex'), s('CSV-neg-regex'), f('CSV-stdin'), s('plot-separator'),
  f('debug', 'debug', 'd'), i('debug-sid'), f('Dump-conf'), i('Interval'), s('interface'), s('config'), s('Override-config'),
  f('fw-analyze'), s('fw-file'), f('fw-list-auto', 'fw-list-auto', 'List'), s('fw-block-ip'), s('fw-rm-block-ip'),
  f('fw-del-chains', 'fw-del-chains', 'X'), f('fw-dump'), f('fw-include-ips'), f('log-server', 'log-server', 'l'), f('Kill'),
  f('Restart'), f('Flush'), f('Status'), s('status-ip'), i('status-dl'), f('status-summary'), s('restrict-ip'),
  f('Benchmark'), i('packets', 'packets', 'p'), f('USR1'), f('HUP'), s('lib-dir'), f('no-snort-sids'), f('no-whois'),
  f('no-passive-os', 'no-passiveos', 'no-passive-os'), f('no-signatures'), f('no-icmp-types'), f('no-icmp6-types'),
  f('no-auto-dl'), f('no-daemon'), f('no-fwcheck'), f('no-rdns'), f('no-netstat'), f('no-ipt-errors'),
  f('no-kmsgsd'), f('test-mode'), f('verbose'), f('Version'), f('help'),
  // psad 2.1.7 (its man page): fw_search.conf, and short forms 2.4.6 made ambiguous (-s -a -d -l -p above)
  s('fw-search'),
];

/**
 * Options whose mode this build does not provide yet. They are refused with
 * a clear message instead of being accepted and ignored.
 */
export const NOT_YET: ReadonlySet<string> = new Set<string>([]);

export function psadOptSpecs(): OptSpec[] {
  const out: OptSpec[] = [];
  for (const o of PSAD_OPTS) for (const n of o.names) out.push({ name: n, type: o.type, key: o.key });
  return out;
}
