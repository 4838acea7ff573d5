import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { warnToStderr } from '../data/diagnostics';
import { newParserState } from '../ingest/parse';
import { runCsv, FdWriter } from '../report/csv';
import { runGnuplot, GNUPLOT_DEFAULTS } from '../report/gnuplot';
import { loadDataTables, parserOptions, RuntimeFlags } from '../pipeline/runtime';

type Values = Map<string, string | number | boolean>;

const flag = (v: Values, k: string) => v.get(k) === true;
const str = (v: Values, k: string) => (v.has(k) ? String(v.get(k)) : '');
const int = (v: Values, k: string) => (v.has(k) ? Number(v.get(k)) : 0);

/**
 * --CSV and --gnuplot (psad's csv_mode): the log is -m FILE (default
 * IPT_SYSLOG_FILE) or standard input with --CSV-stdin; --gnuplot wins when
 * both are given, as in psad 2.4.6.
 */
export function csvOrGnuplot(cfg: PsadConfig, v: Values, flags: RuntimeFlags, argv: string[],
  out: (text: string) => void): number {
  const gnuplot = flag(v, 'gnuplot');
  const fieldsText = str(v, 'CSV-fields');
  if (gnuplot && (fieldsText === '' || fieldsText === '0')) {
    throw new PsadError('Must specify which iptables fields to plot with the --CSV-fields argument.');
  }
  const tables = loadDataTables(cfg, flags, warnToStderr);
  const popts = parserOptions(cfg, flags, tables, warnToStderr);
  const select = {
    file: flag(v, 'CSV-stdin') ? null : (str(v, 'messages-file') || cfg.get('IPT_SYSLOG_FILE')),
    fieldsText,
    regex: str(v, 'CSV-regex'),
    negRegex: str(v, 'CSV-neg-regex'),
    maxRows: int(v, 'CSV-max-lines'),
    startLine: int(v, 'CSV-start-line'),
    endLine: int(v, 'CSV-end-line'),
  };
  const separator = v.has('plot-separator') ? str(v, 'plot-separator') : ', ';
  if (!gnuplot) {
    return runCsv({ ...select, unique: flag(v, 'CSV-unique-lines'), separator }, popts, newParserState(), new FdWriter(1));
  }
  return runGnuplot({
    ...select,
    separator,
    datFile: str(v, 'gnuplot-dat-file') || GNUPLOT_DEFAULTS.datFile,
    plotFile: str(v, 'gnuplot-plot-file') || GNUPLOT_DEFAULTS.plotFile,
    pngFile: str(v, 'gnuplot-png-file') || GNUPLOT_DEFAULTS.pngFile,
    filePrefix: str(v, 'gnuplot-file-prefix'),
    template: str(v, 'gnuplot-template'),
    interactive: flag(v, 'gnuplot-interactive'),
    title: str(v, 'gnuplot-title'),
    legendTitle: str(v, 'gnuplot-legend-title'),
    xLabel: str(v, 'gnuplot-x-label'),
    xRange: str(v, 'gnuplot-x-range'),
    yLabel: str(v, 'gnuplot-y-label'),
    yRange: str(v, 'gnuplot-y-range'),
    zLabel: str(v, 'gnuplot-z-label'),
    zRange: str(v, 'gnuplot-z-range'),
    graphStyle: str(v, 'gnuplot-graph-style'),
    sortStyle: str(v, 'gnuplot-sort-style') || GNUPLOT_DEFAULTS.sortStyle,
    threeD: flag(v, 'gnuplot-3d'),
    view: str(v, 'gnuplot-view'),
    grayscale: flag(v, 'gnuplot-grayscale'),
    args: argv,
    now: new Date(),
    storeFile: str(v, 'use-store-file'),
  }, popts, newParserState(), out);
}
