import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { Mailer, addressArgs } from '../alert/mailer';
import { FwCheckOptions, RunFn, fwCheck } from '../fwcheck/fwcheck';
import { fwBackendSetting, nftPath } from '../respond/select';
import { alertingMethods } from '../config/alerting';

/** The fwCheck options of a loaded psad config (FW_CMD override included). */
export function fwCheckOptions(cfg: PsadConfig, fwFile?: string, run?: RunFn): FwCheckOptions {
  const o: FwCheckOptions = {
    fwFile,
    searchAll: cfg.opt('FW_SEARCH_ALL', 'Y') !== 'N',
    fwSearch: cfg.fwSearch,
    hostname: cfg.get('HOSTNAME'),
    ipv6: cfg.opt('ENABLE_IPV6_DETECTION', 'N') === 'Y',
    iptables: cfg.cmd('iptables') ?? '/sbin/iptables',
    ip6tables: cfg.cmd('ip6tables') ?? '/sbin/ip6tables',
    procForwardFile: cfg.get('PROC_FORWARD_FILE'),
    ifcfgtype: cfg.opt('IFCFGTYPE', 'ifconfig'),
    configFile: cfg.mainFile,
    ipCmd: cfg.cmd('ip'),
    ifconfigCmd: cfg.cmd('ifconfig'),
    run,
    backend: fwBackendSetting(cfg),
    nft: nftPath(cfg),
    syslogDaemon: cfg.opt('SYSLOG_DAEMON', 'syslogd'),
  };
  if (cfg.opt('ENABLE_OVERRIDE_FW_CMD', 'N') === 'Y' && cfg.opt('FW_CMD', 'NONE') !== 'NONE') {
    o.iptables = cfg.get('FW_CMD');
    const args = cfg.opt('FW_CMD_ARGS', 'NONE');
    if (args !== 'NONE') {
      // firewall-cmd --direct --passthrough ipv4 …; IPv6 through the same command
      o.ip6tables = o.iptables;
      o.iptablesArgs = args.split(/\s+/).filter((a) => a);
      o.ip6tablesArgs = args.replace(/ipv4/i, 'ipv6').split(/\s+/).filter((a) => a);
    }
  }
  return o;
}

/**
 * What `psad --fw-analyze`, `psad --fw-file FILE` and the daemon's start-up
 * check do (fwcheck_psad): check the ruleset, write FW_CHECK_FILE, mail it
 * when there are problems, print the console lines with `analyze`.
 * Returns 0 when the firewall logs what psad needs, 1 when not (the
 * reference's status is the other way round, Q8). Fatal problems (missing
 * --fw-file or PROC_FORWARD_FILE, iptables not executable, FW_CHECK_FILE not
 * writable) throw a PsadError; the daemon should catch it.
 * `    emailed to <EMAIL_ADDRESSES>` is printed only when a mail was handed to
 * the mail command (fwcheck_psad prints it also with ALERTING_METHODS
 * noemail); a failing mail command is reported on that line instead.
 * Without `mailer` the mail is sent synchronously (safe before process.exit);
 * with a Mailer, await mailer.idle() before exiting. `mail: false` keeps the
 * mail back whatever ALERTING_METHODS says (--test-mode).
 */
export function fwAnalyzeMain(
  cfg: PsadConfig,
  o: { fwFile?: string; out: (s: string) => void; mailer?: Mailer; analyze: boolean; run?: RunFn; mail?: boolean },
): number {
  const res = fwCheck(fwCheckOptions(cfg, o.fwFile, o.run));
  const file = cfg.get('FW_CHECK_FILE');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(res.report, 'latin1'));
  } catch (e) {
    throw new PsadError(`Could not open ${file}: ${(e as Error).message}`);
  }
  let mailed = false;
  let mailError = '';
  if (!res.ok && (o.mail ?? alertingMethods(cfg).mail)) {
    const subject = `[psad-status] firewall setup warning on ${cfg.get('HOSTNAME')}!`;
    const addrs = cfg.get('EMAIL_ADDRESSES');
    if (o.mailer) {
      o.mailer.send(subject, res.report);
      mailed = true;
    } else {
      const mailCmd = cfg.cmd('mail') ?? '/usr/bin/mail';
      const r = spawnSync(mailCmd, ['-s', subject, ...addressArgs(addrs)], {
        input: Buffer.from(res.report, 'latin1'),
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: 60000,
      });
      if (r.error) mailError = r.error.message;
      else if (r.status !== 0) mailError = `${mailCmd} exited with status ${r.status ?? r.signal}`;
      else mailed = true;
    }
  }
  if (o.analyze) {
    for (const line of res.console) o.out(line);
    if (mailed) o.out(`    emailed to ${cfg.get('EMAIL_ADDRESSES')}\n`);
    else if (mailError) o.out(`    could not be emailed to ${cfg.get('EMAIL_ADDRESSES')}: ${mailError}\n`);
    o.out(`[+] Results in ${file}\n`);
    o.out('[+] Exiting.\n');
  }
  return res.ok ? 0 : 1;
}
