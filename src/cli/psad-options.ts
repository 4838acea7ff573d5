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

/** Every option of psad 2.4.6 (and the fixed spellings), keyed by its main name. */
export const PSAD_OPTS: Opt[] = [
  s('signatures'), f('sig-update'), s('passive-os-sigs'), s('snort-type'), s('snort-rdir'), s('auto-dl'),
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
  f('CSV'), s('CSV-fields'), f('CSV-unique-lines'), i('CSV-max-lines'), i('CSV-start-line'), i('CSV-end-line'),
  s('CSV-regex'), s('CSV-neg-regex'), f('CSV-stdin'), s('plot-separator'),
  f('debug'), i('debug-sid'), f('Dump-conf'), i('Interval'), s('interface'), s('config'), s('Override-config'),
  f('fw-analyze'), s('fw-file'), f('fw-list-auto', 'fw-list-auto', 'List'), s('fw-block-ip'), s('fw-rm-block-ip'),
  f('fw-del-chains', 'fw-del-chains', 'X'), f('fw-dump'), f('fw-include-ips'), f('log-server'), f('Kill'),
  f('Restart'), f('Flush'), f('Status'), s('status-ip'), i('status-dl'), f('status-summary'), s('restrict-ip'),
  f('Benchmark'), i('packets'), f('USR1'), f('HUP'), s('lib-dir'), f('no-snort-sids'), f('no-whois'),
  f('no-passive-os', 'no-passiveos', 'no-passive-os'), f('no-signatures'), f('no-icmp-types'), f('no-icmp6-types'),
  f('no-auto-dl'), f('no-daemon'), f('no-fwcheck'), f('no-rdns'), f('no-netstat'), f('no-ipt-errors'),
  f('no-kmsgsd'), f('test-mode'), f('verbose'), f('Version'), f('help'),
];

/**
 * Options whose mode this build does not provide yet. They are refused with
 * a clear message instead of being accepted and ignored.
 */
export const NOT_YET: ReadonlySet<string> = new Set([
  'sig-update', 'use-store-file', 'analysis-auto-block', 'email-analysis', 'whois-analysis', 'dns-analysis',
  'gnuplot', 'gnuplot-dat-file', 'gnuplot-plot-file', 'gnuplot-png-file', 'gnuplot-interactive', 'gnuplot-title',
  'gnuplot-legend-title', 'gnuplot-x-label', 'gnuplot-x-range', 'gnuplot-y-label', 'gnuplot-y-range', 'gnuplot-z-label',
  'gnuplot-z-range', 'gnuplot-graph-style', 'gnuplot-sort-style', 'gnuplot-3d', 'gnuplot-view', 'gnuplot-grayscale',
  'gnuplot-file-prefix', 'gnuplot-template', 'CSV', 'CSV-fields', 'CSV-unique-lines', 'CSV-max-lines',
  'CSV-start-line', 'CSV-end-line', 'CSV-regex', 'CSV-neg-regex', 'CSV-stdin', 'plot-separator',
  'fw-analyze', 'fw-file', 'fw-list-auto', 'fw-block-ip', 'fw-rm-block-ip', 'fw-del-chains', 'fw-dump', 'fw-include-ips',
  'Flush', 'Benchmark', 'debug-sid', 'verbose',
]);

export function psadOptSpecs(): OptSpec[] {
  const out: OptSpec[] = [];
  for (const o of PSAD_OPTS) for (const n of o.names) out.push({ name: n, type: o.type, key: o.key });
  return out;
}
