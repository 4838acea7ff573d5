import * as fs from 'fs';
import { getopt } from '../config/getopt';
import { parseUserNet } from '../net/user-addr';
import { psadOptSpecs, NOT_YET } from '../config/psad-options';
import { loadConfig, PsadConfig, applyFwSearchFile } from '../config/config';
import { PsadError } from '../config/errors';
import { warnToStderr } from '../data/diagnostics';
import { Engine } from '../engine/engine';
import { FdDebugTrace } from '../text/debug-trace';
import { newParserState } from '../ingest/parse';
import { parseFieldSpec, FieldFilter } from '../ingest/field-filter';
import { runAnalysis, rebaseForAnalysis, makePsadDirs } from '../report/analysis';
import { ReportContext, PSAD_VERSION } from '../report/status-report';
import { loadDataTables, parserOptions, engineOptions, engineData, localNetworks, RuntimeFlags, connectedSubnets } from '../pipeline/runtime';
import { psadUsage } from './psad-help';
import { PsadDaemon, DaemonFlags, pidsByName } from '../daemon/psad-daemon';
import { status, killDaemons, hupDaemons, usr1Daemon, restartDaemons } from '../daemon/control';
import { dumpConf } from '../report/dump-conf';
import { scanLogr, AlertState } from '../alert/scan-logr';
import { alertSettings } from '../alert/settings';
import { alertData, analysisAlerts } from '../pipeline/alert-io';
import { resolveCommands } from '../config/commands';
import { csvOrGnuplot } from './csv-modes';
import { benchmark } from './benchmark';
import { sigUpdate } from './sig-update';
import { Mailer, mailerOptions } from '../alert/mailer';
import { fwAnalyzeMain, fwCheckOptions } from '../pipeline/fwcheck-run';
import { dumpFirewall } from '../fwcheck/fwcheck';
import { SocketCmd } from '../respond/auto-response';
import { fwBlockIp, fwRmBlockIp, flushCommand, listAuto, blockedStatus, cleanupBlocks, analysisAutoBlock } from './fw-commands';
import { alertingMethods } from '../config/alerting';

export const DEFAULT_CONFIG = '/etc/psad/psad.conf';

type Values = Map<string, string | number | boolean>;

const flag = (v: Values, k: string) => v.get(k) === true;
const str = (v: Values, k: string) => (v.has(k) ? String(v.get(k)) : '');
const int = (v: Values, k: string) => (v.has(k) ? Number(v.get(k)) : 0);

/** --debug (or --test-mode): psad's debug lines; null when off. */
let dbg: FdDebugTrace | null = null;

function out(text: string): void {
  if (dbg) dbg.flush();
  fs.writeSync(1, Buffer.from(text, 'latin1'));
}

/** Text psad prints to STDERR in debug mode and to STDOUT otherwise (dump_conf, dump_ipt_policy). */
function outOrDebug(text: string): void {
  if (dbg) {
    dbg.err(text);
    dbg.flush();
  } else out(text);
}

/** systemd-journald runs as root (psad's AUTO_DETECT_JOURNALCTL test). */
function journaldRunning(): boolean {
  return pidsByName('systemd-journal').some((pid) => {
    try {
      return fs.statSync(`/proc/${pid}`).uid === 0;
    } catch {
      return false;
    }
  });
}

function fatal(msg: string, code = 1): never {
  if (dbg) dbg.flush();
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
    debug: dbg,
  };
}

async function analyze(cfg: PsadConfig, v: Values): Promise<number> {
  const flags = runtimeFlags(v, true);
  const fieldsText = str(v, 'analysis-fields');
  const filter = fieldsText ? new FieldFilter(parseFieldSpec(fieldsText, true)) : null;
  makePsadDirs(cfg);
  const errDir = cfg.get('PSAD_ERR_DIR');
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
  const engine = new Engine({ ...engineOptions(cfg, flags, localNets), debug: dbg, debugSid: int(v, 'debug-sid') }, engineData(tables));
  const popts = parserOptions(cfg, flags, tables, warnToStderr);
  popts.debug = dbg;
  const pstate = newParserState();
  const file = flag(v, 'stdin') ? null : (str(v, 'messages-file') || cfg.get('IPT_SYSLOG_FILE'));
  const { batch } = runAnalysis(cfg, engine, popts, pstate, reportContext(cfg, engine, tables, true, 0), {
    file,
    maxPackets: int(v, 'packets'),
    noIptErrors: flag(v, 'no-ipt-errors'),
    filter,
    out,
  }, () => Math.floor(Date.now() / 1000));
  const writeData = flag(v, 'analysis-write-data');
  const emails = flag(v, 'email-analysis');
  // -e works without --analysis-write-data too (psad 2.4.6 sent nothing then, Q1)
  if (writeData || emails) {
    // -e honours ALERTING_METHODS noemail (psad 2.4.6 mailed regardless, Q26)
    const noEmail = emails && !alertingMethods(cfg).mail;
    const settings = alertSettings(cfg, {
      analysisMode: true, analysisEmails: emails, noDaemon: flag(v, 'no-daemon'), noEmailAlerts: flag(v, 'test-mode') || noEmail,
      noRdns: flag(v, 'no-rdns') || !flag(v, 'dns-analysis'), noWhois: flag(v, 'no-whois') || !flag(v, 'whois-analysis'),
      noPassiveOs: flags.noPassiveOs,
    });
    settings.debug = dbg;
    if (writeData) {
      out(`[+] Writing ${cfg.get('PSAD_DIR')}/<IP> directories.\n`);
      if (batch.scan.size > 1000) out('    This may take a while...\n');
    }
    if (emails) {
      out('[+] Generating email alerts...\n');
      if (settings.whoisOn) out('[+] Issuing whois lookups (may take several seconds).\n');
      if (noEmail) out(`[-] ALERTING_METHODS is "${cfg.get('ALERTING_METHODS')}": no email is sent.\n`);
    }
    const rt = analysisAlerts(cfg, {
      out, writeData, sendMail: emails && !noEmail && !flag(v, 'test-mode'), lookups: settings.dnsOn || settings.whoisOn, errDir,
    });
    scanLogr(engine, batch, settings, alertData(tables, engine), new AlertState(), rt.sink);
    await rt.finish();
  }
  if (cfg.get('ENABLE_AUTO_IDS') === 'Y' && flag(v, 'analysis-auto-block')) {
    await analysisAutoBlock(cfg, batch.scan.keys(), (ip) => engine.sources.get(ip)?.dl, (ip) => batch.autoBlockRegexMatch.has(ip), out, flag(v, 'test-mode'));
  }
  out('\n[+] Finished --Analyze cycle.\n');
  return 0;
}

/** Applies the command-line overrides of config values (handle_cmdline). */
/** --lib-dir (PSAD_LIBS_DIR, as psad 2.4.6 sets it) and psad 2.1.7's --fw-search FILE. */
function fileOptions(cfg: PsadConfig, v: Values): void {
  if (str(v, 'lib-dir')) cfg.set('PSAD_LIBS_DIR', str(v, 'lib-dir'));
  if (v.has('fw-search')) applyFwSearchFile(cfg, str(v, 'fw-search'));
}

function applyCmdline(cfg: PsadConfig, v: Values): void {
  fileOptions(cfg, v);
  if (str(v, 'snort-rdir')) cfg.set('SNORT_RULES_DIR', str(v, 'snort-rdir'));
  if (str(v, 'signatures')) cfg.set('SIGS_FILE', str(v, 'signatures'));
  if (str(v, 'passive-os-sigs')) cfg.set('POSF_FILE', str(v, 'passive-os-sigs'));
  if (str(v, 'auto-dl')) cfg.set('AUTO_DL_FILE', str(v, 'auto-dl'));
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function statusContext(cfg: PsadConfig, v: Values): { engine: Engine; report: (e: Engine) => ReportContext } {
  const flags = runtimeFlags(v, false);
  const tables = loadDataTables(cfg, flags, warnToStderr);
  const localNets = localNetworks(cfg, false, () => undefined).concat(connectedSubnets(cfg));
  const engine = new Engine(engineOptions(cfg, flags, localNets), engineData(tables));
  return { engine, report: (e) => reportContext(cfg, e, tables, false, 0) };
}

function daemonFlags(cfg: PsadConfig, v: Values, argv: string[], configFile: string, overrides: string[]): DaemonFlags {
  return {
    configFile,
    overrides,
    argv,
    noDaemon: flag(v, 'no-daemon'),
    debug: flag(v, 'debug') || flag(v, 'test-mode'),
    debugTrace: flag(v, 'debug') || flag(v, 'test-mode') ? new FdDebugTrace(flag(v, 'verbose'), flag(v, 'test-mode'), false) : null,
    noKmsgsd: flag(v, 'no-kmsgsd'),
    logServer: flag(v, 'log-server'),
    noFwcheck: flag(v, 'no-fwcheck'),
    fwFile: str(v, 'fw-file'),
    verbose: flag(v, 'verbose'),
    debugSid: int(v, 'debug-sid'),
    interval: int(v, 'Interval'),
    messagesFile: str(v, 'messages-file'),
    noNetstat: flag(v, 'no-netstat'),
    noRdns: flag(v, 'no-rdns'),
    noWhois: flag(v, 'no-whois'),
    noIptErrors: flag(v, 'no-ipt-errors'),
    testMode: flag(v, 'test-mode'),
    runtime: runtimeFlags(v, false),
    applyCmdline: (c) => applyCmdline(c, v),
  };
}

/** psad's command line: modes are dispatched in the reference's order (first match wins). */
export async function main(argv: string[]): Promise<number> {
  const parsed = getopt(argv, psadOptSpecs());
  if (parsed.errors.length) {
    for (const e of parsed.errors) process.stderr.write(`${e}\n`);
    fatal("See 'psad -h' for usage information");
  }
  const v = parsed.values;
  // --test-mode turns debugging on (and syslog and mail off), as in psad 2.4.6
  const testMode = flag(v, 'test-mode');
  const debugOn = flag(v, 'debug') || testMode;
  if (debugOn) dbg = new FdDebugTrace(flag(v, 'verbose'), testMode);
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
  const statusMode = flag(v, 'Status') || v.has('status-ip') || v.has('status-dl') || flag(v, 'status-summary');
  const exempt = (flag(v, 'Analyze-msgs') && !flag(v, 'analysis-auto-block')) || flag(v, 'Dump-conf') || statusMode || flag(v, 'get-next-rule-id')
    || flag(v, 'CSV') || flag(v, 'gnuplot') || flag(v, 'Benchmark') || flag(v, 'sig-update');
  if (!exempt && !isRoot()) fatal('psad: You must be root (or equivalent UID 0 account) to execute psad! Exiting.');
  const overrides = str(v, 'Override-config') ? str(v, 'Override-config').split(',') : [];
  const cfg = loadConfig({ configFile, overrideFiles: overrides });
  for (const w of cfg.warnings) process.stderr.write(`[-] ${w}\n`);
  if (v.has('status-dl') && (int(v, 'status-dl') < 1 || int(v, 'status-dl') > 5)) fatal('The --status-dl must be between 1 and 5.');
  if (flag(v, 'no-kmsgsd') && !debugOn) fatal('The --no-kmsgsd option can only be used with --debug.');
  if (flag(v, 'fw-del-chains') && !flag(v, 'Flush')) fatal('The --fw-del-chains option can only be used with --Flush.');
  if (v.has('restrict-ip') && !parseUserNet(str(v, 'restrict-ip'))) fatal('The --restrict-ip argument accepts an IP address or network.');
  if (v.has('status-ip') && !parseUserNet(str(v, 'status-ip'))) fatal('The --status-ip argument accepts an IP address or network.');
  for (const k of ['packets', 'Interval', 'CSV-max-lines', 'CSV-start-line', 'CSV-end-line', 'debug-sid']) {
    if (v.has(k) && int(v, k) < 0) fatal(`The --${k} argument must not be negative.`);
  }
  fileOptions(cfg, v);
  if (flag(v, 'email-analysis') && !flag(v, 'Analyze-msgs')) fatal('Can only specify --email-analysis flag when run in --Analyze mode.');
  resolveCommands(cfg, { noWhois: flag(v, 'no-whois') });
  if (dbg && cfg.get('AUTO_DETECT_JOURNALCTL') === 'Y') {
    dbg.err(`[*] journalctl appears to ${journaldRunning() ? '' : 'NOT '}be running.\n`);
  }
  if (flag(v, 'Dump-conf') || flag(v, 'fw-dump')) {
    let rv = 0;
    // with --debug (and --test-mode) psad prints these dumps on stderr
    if (flag(v, 'Dump-conf')) outOrDebug(dumpConf(cfg));
    if (flag(v, 'fw-dump')) {
      const d = dumpFirewall({
        iptables: fwCheckOptions(cfg).iptables, ip6tables: fwCheckOptions(cfg).ip6tables,
        ipv6: cfg.opt('ENABLE_IPV6_DETECTION', 'Y') === 'Y', includeIps: flag(v, 'fw-include-ips'),
      });
      outOrDebug(d.text);
      rv += d.status;
    }
    return rv;
  }
  if (dbg && testMode) outOrDebug(dumpConf(cfg));
  if (flag(v, 'sig-update')) return sigUpdate(cfg, out);
  const autoIdsConfigured = cfg.get('ENABLE_AUTO_IDS');
  if ((flag(v, 'Analyze-msgs') && !flag(v, 'analysis-auto-block')) || flag(v, 'log-server') || flag(v, 'Benchmark') || statusMode) {
    cfg.set('ENABLE_AUTO_IDS', 'N');
  }
  applyCmdline(cfg, v);
  if (flag(v, 'get-next-rule-id') && !flag(v, 'no-signatures')) {
    // psad 2.4.6 answers this while importing the signatures (and not at all with --no-signatures)
    const t = loadDataTables(cfg, runtimeFlags(v, false), warnToStderr);
    if (t.signatures) {
      out(`[+] Next available rule ID: ${t.signatures.maxId + 1}\n`);
      return 0;
    }
  }
  if (flag(v, 'Interval') && int(v, 'Interval')) cfg.set('CHECK_INTERVAL', String(int(v, 'Interval')));
  if (statusMode) {
    const sc = statusContext(cfg, v);
    let cleanup: SocketCmd[] = [];
    const rv = status(cfg, out, {
      ip: str(v, 'status-ip'),
      minDl: int(v, 'status-dl'),
      summary: flag(v, 'status-summary'),
      engine: sc.engine,
      report: sc.report,
      paths: {
        packetCounter: cfg.get('PACKET_COUNTER_FILE'), prefixCounter: cfg.get('IPT_PREFIX_COUNTER_FILE'),
        dshieldCounter: cfg.get('DSHIELD_COUNTER_FILE'), topPorts: cfg.get('TOP_SCANNED_PORTS_FILE'),
        topSigs: cfg.get('TOP_SIGS_FILE'), topAttackers: cfg.get('TOP_ATTACKERS_FILE'),
      },
      statusSections: (e, x) => {
        const lines = cfg.get('ENABLE_DSHIELD_ALERTS') === 'Y' && fs.existsSync(cfg.get('DSHIELD_COUNTER_FILE'))
          ? ['    DShield stats:\n', `      total emails: ${x.dshieldEmails}\n`, `      total packets: ${x.dshieldPackets}\n\n`] : [];
        const b = blockedStatus(cfg, str(v, 'status-ip'), flag(v, 'verbose'), (ip) => e.sources.get(ip)?.dl);
        cleanup = b.cleanup;
        return lines.concat(b.lines);
      },
    });
    if (cleanup.length) {
      const c2 = loadConfig({ configFile, overrideFiles: overrides });
      c2.set('ENABLE_AUTO_IDS', autoIdsConfigured);
      resolveCommands(c2, { noWhois: true });
      if (isRoot()) await cleanupBlocks(c2, cleanup);
    }
    return rv;
  }
  if (flag(v, 'Kill')) return killDaemons(cfg, out);
  if (flag(v, 'HUP')) return hupDaemons(cfg, out);
  if (flag(v, 'USR1')) return usr1Daemon(cfg, out);
  if (flag(v, 'Flush')) return flushCommand(cfg, flag(v, 'fw-del-chains'), out, testMode);
  if (flag(v, 'Restart')) return restartDaemons(cfg, out);
  if (flag(v, 'fw-list-auto')) return listAuto(cfg, out);
  if (v.has('fw-block-ip')) return fwBlockIp(cfg, str(v, 'fw-block-ip'), out, testMode);
  if (v.has('fw-rm-block-ip')) return fwRmBlockIp(cfg, str(v, 'fw-rm-block-ip'), out, testMode);
  if (flag(v, 'Analyze-msgs')) return analyze(cfg, v);
  if (flag(v, 'CSV') || flag(v, 'gnuplot')) return csvOrGnuplot(cfg, v, runtimeFlags(v, false), argv, out);
  if (flag(v, 'Benchmark')) {
    return benchmark(cfg, runtimeFlags(v, false), { packets: int(v, 'packets'), file: str(v, 'messages-file'), noIptErrors: flag(v, 'no-ipt-errors') }, out);
  }
  if (flag(v, 'fw-analyze') || v.has('fw-file')) {
    const mailer = new Mailer(mailerOptions(cfg, { enabled: !testMode, onError: (m) => process.stderr.write(`[*] ${m}\n`), retryDelaysMs: [] }));
    const rv = fwAnalyzeMain(cfg, { fwFile: str(v, 'fw-file') || undefined, out, analyze: true, mailer });
    await mailer.idle(60000);
    return rv;
  }
  // psad 2.4.6 dumps the configuration once more when the daemon starts in debug mode
  if (dbg) outOrDebug(dumpConf(cfg));
  const daemon = new PsadDaemon(daemonFlags(cfg, v, argv, configFile, overrides));
  return daemon.run(cfg);
}

export function run(): void {
  const fail = (e: unknown) => {
    try {
      dbg?.flush();
    } catch { /* the reader is gone */ }
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
  };
  try {
    main(process.argv.slice(2)).then((code) => {
      dbg?.flush();
      process.exitCode = code;
    }).catch(fail);
  } catch (e) {
    fail(e);
  }
}
