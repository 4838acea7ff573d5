import * as fs from 'fs';
import { getopt } from './getopt';
import { psadOptSpecs, NOT_YET } from './psad-options';
import { loadConfig, PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { warnToStderr } from '../data/diagnostics';
import { Engine } from '../engine/engine';
import { newParserState } from '../ingest/parse';
import { parseFieldSpec, FieldFilter } from '../ingest/field-filter';
import { runAnalysis, rebaseForAnalysis, makePsadDirs } from '../report/analysis';
import { ReportContext, PSAD_VERSION } from '../report/status-report';
import { loadDataTables, parserOptions, engineOptions, engineData, localNetworks, RuntimeFlags } from './runtime';
import { psadUsage } from './psad-help';
import { dumpConf } from '../report/dump-conf';
import { scanLogr, AlertState } from '../alert/scan-logr';
import { alertSettings } from '../alert/settings';
import { alertData, fileAlertSink } from './alert-io';
import { resolveCommands } from '../config/commands';

export const DEFAULT_CONFIG = '/etc/psad/psad.conf';

type Values = Map<string, string | number | boolean>;

const flag = (v: Values, k: string) => v.get(k) === true;
const str = (v: Values, k: string) => (v.has(k) ? String(v.get(k)) : '');
const int = (v: Values, k: string) => (v.has(k) ? Number(v.get(k)) : 0);

function out(text: string): void {
  fs.writeSync(1, Buffer.from(text, 'latin1'));
}

function fatal(msg: string, code = 1): never {
  process.stderr.write(`[*] ${msg}\n`);
  process.exit(code);
}

function runtimeFlags(v: Values, analysisMode: boolean): RuntimeFlags {
  return {
    analysisMode,
    noSignatures: flag(v, 'no-signatures'),
    noSnortSids: flag(v, 'no-snort-sids'),
    noIcmpTypes: flag(v, 'no-icmp-types'),
    noIcmp6Types: flag(v, 'no-icmp6-types'),
    noAutoDl: flag(v, 'no-auto-dl'),
    noPassiveOs: flag(v, 'no-passive-os'),
    snortType: str(v, 'snort-type'),
    interfaceOnly: str(v, 'interface'),
    restrictIp: str(v, 'restrict-ip'),
    dshield: false,
  };
}

function reportContext(cfg: PsadConfig, engine: Engine, tables: ReturnType<typeof loadDataTables>, analysisMode: boolean, statusMinDl: number): ReportContext {
  return {
    statusSigsThreshold: Number(cfg.get('STATUS_SIGS_THRESHOLD')),
    statusIpThreshold: Number(cfg.get('STATUS_IP_THRESHOLD')),
    statusPortsThreshold: Number(cfg.get('STATUS_PORTS_THRESHOLD')),
    minDangerLevel: cfg.num('MIN_DANGER_LEVEL'),
    statusMinDl,
    analysisMode,
    sigs: tables.signatures?.bySid ?? new Map(),
    fwsnort: tables.fwsnort,
    protocolStrings: tables.protocols,
    icmpTypes: tables.icmpTypes,
    icmp6Types: tables.icmp6Types,
    localNets: engine.opts.localNets,
  };
}

function analyze(cfg: PsadConfig, v: Values): number {
  const flags = runtimeFlags(v, true);
  const fieldsText = str(v, 'analysis-fields');
  const filter = fieldsText ? new FieldFilter(parseFieldSpec(fieldsText, true)) : null;
  makePsadDirs(cfg);
  const amd = cfg.get('ANALYSIS_MODE_DIR');
  if (fs.existsSync(amd)) {
    out(`[+] Removing old ${amd} directory.\n`);
    fs.rmSync(amd, { recursive: true, force: true });
  }
  fs.mkdirSync(amd, { recursive: true, mode: 0o700 });
  rebaseForAnalysis(cfg);
  makePsadDirs(cfg);
  const tables = loadDataTables(cfg, flags, warnToStderr);
  const localNets = localNetworks(cfg, true, () => undefined);
  const engine = new Engine(engineOptions(cfg, flags, localNets), engineData(tables));
  const popts = parserOptions(cfg, flags, tables, warnToStderr);
  const pstate = newParserState();
  const file = flag(v, 'stdin') ? null : (str(v, 'messages-file') || cfg.get('IPT_SYSLOG_FILE'));
  const { batch } = runAnalysis(cfg, engine, popts, pstate, reportContext(cfg, engine, tables, true, 0), {
    file,
    maxPackets: int(v, 'packets'),
    noIptErrors: flag(v, 'no-ipt-errors'),
    filter,
    out,
  }, () => Math.floor(Date.now() / 1000));
  if (flag(v, 'analysis-write-data')) {
    out(`[+] Writing ${cfg.get('PSAD_DIR')}/<IP> directories.\n`);
    if (batch.scan.size > 1000) out('    This may take a while...\n');
    const settings = alertSettings(cfg, {
      analysisMode: true, analysisEmails: false, noDaemon: flag(v, 'no-daemon'), noEmailAlerts: flag(v, 'test-mode'),
      noRdns: true, noWhois: true, noPassiveOs: flags.noPassiveOs,
    });
    scanLogr(engine, batch, settings, alertData(tables, engine), new AlertState(), fileAlertSink(out));
  }
  out('\n[+] Finished --Analyze cycle.\n');
  return 0;
}

/** Applies the command-line overrides of config values (handle_cmdline). */
function applyCmdline(cfg: PsadConfig, v: Values): void {
  if (str(v, 'snort-rdir')) cfg.set('SNORT_RULES_DIR', str(v, 'snort-rdir'));
  if (str(v, 'signatures')) cfg.set('SIGS_FILE', str(v, 'signatures'));
  if (str(v, 'passive-os-sigs')) cfg.set('POSF_FILE', str(v, 'passive-os-sigs'));
  if (str(v, 'auto-dl')) cfg.set('AUTO_DL_FILE', str(v, 'auto-dl'));
}

export function main(argv: string[]): number {
  const parsed = getopt(argv, psadOptSpecs());
  if (parsed.errors.length) {
    for (const e of parsed.errors) process.stderr.write(`${e}\n`);
    fatal("See 'psad -h' for usage information");
  }
  const v = parsed.values;
  const configFile = str(v, 'config') || DEFAULT_CONFIG;
  if (flag(v, 'help')) {
    out(psadUsage(configFile));
    return 0;
  }
  if (flag(v, 'Version')) {
    out(`[+] psad v${PSAD_VERSION} by Michael Rash <mbr@cipherdyne.org> (Node.js port)\n`);
    return 0;
  }
  for (const k of v.keys()) {
    if (NOT_YET.has(k)) fatal(`--${k} is not available in this version of the Node.js port yet.`);
  }
  const overrides = str(v, 'Override-config') ? str(v, 'Override-config').split(',') : [];
  const cfg = loadConfig({ configFile, overrideFiles: overrides });
  if (str(v, 'restrict-ip') === '' && v.has('restrict-ip')) fatal('The --restrict-ip argument accepts an IP address or network.');
  resolveCommands(cfg, { noWhois: flag(v, 'no-whois') });
  if (flag(v, 'Dump-conf')) {
    out(dumpConf(cfg));
    return 0;
  }
  applyCmdline(cfg, v);
  if (flag(v, 'Analyze-msgs')) return analyze(cfg, v);
  fatal('The psad daemon is not available in this version of the Node.js port yet; use -A to analyse a log file.');
}

export function run(): void {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof PsadError) {
      process.stderr.write(`[*] ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === 'EPIPE') {
      process.exitCode = 0;
      return;
    }
    process.stderr.write(`[*] psad: internal error: ${err && err.message ? err.message : String(e)}\n`);
    process.exitCode = 70;
  }
}
