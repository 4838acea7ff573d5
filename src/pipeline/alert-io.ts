import * as fs from 'fs';
import * as path from 'path';
import { AlertData, AlertSink } from '../alert/scan-logr';
import { AlertDelivery } from '../alert/delivery';
import { Mailer, mailerOptions } from '../alert/mailer';
import { ExtScriptRunner } from '../alert/ext-script';
import { Resolver } from '../alert/resolver';
import { PsadConfig } from '../config/config';
import { Engine } from '../engine/engine';
import { netContains, parseAddr } from '../net/addr';
import { DataTables } from './runtime';
import { isLocalTraced } from '../text/debug-trace';

export function alertData(t: DataTables, engine: Engine, localPorts: Map<string, Set<number>> = new Map()): AlertData {
  return {
    sigs: t.signatures?.bySid ?? new Map(),
    fwsnort: t.fwsnort,
    refBaseUrl: t.refBaseUrl,
    protocolStrings: t.protocols,
    icmpTypes: t.icmpTypes,
    icmp6Types: t.icmp6Types,
    localPorts,
    isLocal: (ip: string) => isLocalTraced(engine.opts.debug, ip, () => {
      const a = parseAddr(ip);
      return !!a && engine.opts.localNets.some((n) => netContains(n, a));
    }),
  };
}

/** The alert side effects of analysis mode without mail: files only (no syslog, no lookups). */
export function fileAlertSink(out: (t: string) => void): AlertSink {
  return {
    mkdir: (dir) => {
      if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    },
    writeFile: (file, text) => fs.writeFileSync(file, Buffer.from(text, 'latin1'), { mode: 0o600 }),
    syslog: () => undefined,
    stdout: (t) => out(t),
    mail: () => undefined,
    lookup: (_req, then) => then({ dns: ['', ''], whois: [] }),
    externalScript: () => undefined,
    now: () => Math.floor(Date.now() / 1000),
  };
}

/** The resolver settings of a psad.conf (DNS/whois thresholds, WHOIS_* variables). */
export function resolverOptions(cfg: PsadConfig, onError?: (m: string) => void): ConstructorParameters<typeof Resolver>[0] {
  const server = cfg.opt('WHOIS_SERVER', 'NONE');
  return {
    dnsThreshold: cfg.num('DNS_LOOKUP_THRESHOLD'),
    whoisThreshold: cfg.num('WHOIS_LOOKUP_THRESHOLD'),
    whoisTimeout: cfg.num('WHOIS_TIMEOUT') || 60,
    dnsTimeoutMs: (cfg.num('DNS_TIMEOUT', '5') || 5) * 1000,
    whoisServer: server === 'NONE' ? '' : server,
    forceAscii: cfg.opt('ENABLE_WHOIS_FORCE_ASCII', 'N') === 'Y',
    whoisCmd: cfg.cmd('whois'),
    onError,
  };
}

/**
 * The alert side effects of `psad -A` with --analysis-write-data and/or
 * -e/--email-analysis: per-IP files (only with --analysis-write-data), mail
 * (only with -e, and not when ALERTING_METHODS says noemail), reverse DNS
 * (--dns-analysis) and whois (-w), and the external script. finish() waits
 * for the lookups and the mail before psad exits.
 */
export function analysisAlerts(cfg: PsadConfig, o: {
  out: (t: string) => void; writeData: boolean; sendMail: boolean; lookups: boolean; errDir: string;
}): { sink: AlertSink; finish: () => Promise<void>; mailer: Mailer } {
  const warn = (m: string) => process.stderr.write(`[-] ${m}\n`);
  const mailer = new Mailer(mailerOptions(cfg, {
    enabled: o.sendMail, onError: warn, spoolDir: path.join(o.errDir, 'undelivered_mail'), retryDelaysMs: [2000, 5000],
  }));
  const resolver = o.lookups ? new Resolver(resolverOptions(cfg, warn)) : null;
  const delivery = new AlertDelivery(resolver, warn, o.writeData);
  const scripts = new ExtScriptRunner({ log: warn });
  const base = fileAlertSink(o.out);
  const sink: AlertSink = {
    ...base,
    mkdir: (dir) => { if (o.writeData) base.mkdir(dir); },
    writeFile: (file, text) => { if (o.writeData) base.writeFile(file, text); },
    mail: (subject, body) => mailer.send(subject, body),
    lookup: (req, then) => delivery.lookup(req, then),
    externalScript: (src) => scripts.run(cfg.get('EXTERNAL_SCRIPT'), src),
  };
  return {
    sink,
    mailer,
    finish: async () => {
      await delivery.idle(Math.max(120000, (cfg.num('WHOIS_TIMEOUT') || 60) * 1000 + 10000));
      await scripts.idle();
      await mailer.idle(20000);
      mailer.close();
    },
  };
}
