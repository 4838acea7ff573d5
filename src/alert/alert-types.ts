import { Signature } from '../data/signatures';
import { FwsnortSig } from '../data/snort-rules';
import { ProtocolString } from '../data/protocols';
import { IcmpType } from '../data/icmp-types';
import { DebugTrace } from '../text/debug-trace';

/** Settings of the alert stage (from psad.conf and the command line). */
export interface AlertSettings {
  psadDir: string;
  minDangerLevel: number;
  emailAlertDangerLevel: number;
  emailLimit: number;
  emailLimitPerDst: boolean;
  emailLimitStatusMsg: boolean;
  emailThrottle: number;
  alertAll: boolean;
  protocolScanThreshold: number;
  macReporting: boolean;
  noPassiveOs: boolean;
  enableSigMsgSyslog: boolean;
  sigMsgSyslogThreshold: number;
  sigSidSyslogThreshold: number;
  showAllSignatures: boolean;
  snortSidRe: RegExp;
  mailAlertPrefix: string;
  mailStatusPrefix: string;
  hostname: string;
  checkInterval: number;
  analysisMode: boolean;
  /** -e/--email-analysis */
  analysisEmails: boolean;
  /** --no-daemon: alerts go to stdout, no mail */
  noDaemon: boolean;
  /** mail counters are not incremented (ALERTING_METHODS noemail, --test-mode) */
  noEmailAlerts: boolean;
  dnsOn: boolean;
  whoisOn: boolean;
  whoisForceSrcIp: boolean;
  /** ENABLE_EXT_SCRIPT_EXEC / EXEC_EXT_SCRIPT_PER_ALERT */
  extScriptExec?: boolean;
  extScriptPerAlert?: boolean;
  /** --debug: psad 2.4.6's debug lines of scan_logr() and its syslog messages */
  debug?: DebugTrace | null;
}

/** Data the alert text needs. */
export interface AlertData {
  sigs: ReadonlyMap<number, Signature>;
  fwsnort: ReadonlyMap<number, FwsnortSig>;
  refBaseUrl: ReadonlyMap<string, string>;
  protocolStrings: ReadonlyMap<string, ProtocolString>;
  icmpTypes: ReadonlyMap<string, IcmpType>;
  icmp6Types: ReadonlyMap<string, IcmpType>;
  /** listening ports of this host (netstat), per protocol */
  localPorts: ReadonlyMap<string, ReadonlySet<number>>;
  isLocal: (ip: string) => boolean;
}

/** Reverse DNS and whois an alert needs. */
export interface LookupRequest {
  /** addresses to reverse-resolve (source, destination) */
  dns: string[];
  /** whois target and the file psad keeps its answer in */
  whois: { ip: string; file: string } | null;
}

export interface LookupResult {
  /** names in the order asked ('' = none) */
  dns: string[];
  /** whois text lines with their newlines */
  whois: string[];
}

/** The side effects of the alert stage, supplied by the caller. */
export interface AlertSink {
  mkdir(dir: string): void;
  writeFile(file: string, text: string): void;
  syslog(msg: string): void;
  /** a scan alert body for --no-daemon */
  stdout(text: string): void;
  mail(subject: string, body: string): void;
  /**
   * Runs `then` with the answers to `req`: at once when nothing is asked and
   * nothing waits, else when the lookups are done, always in the order of
   * the calls. The daemon's detection does not wait for it.
   */
  lookup(req: LookupRequest, then: (r: LookupResult) => void): void;
  externalScript(src: string): void;
  now(): number;
}
