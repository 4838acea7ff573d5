import { PsadConfig } from '../config/config';
import { AlertSettings } from './alert-types';

export interface AlertFlags {
  analysisMode: boolean;
  analysisEmails: boolean;
  noDaemon: boolean;
  noEmailAlerts: boolean;
  noRdns: boolean;
  noWhois: boolean;
  noPassiveOs: boolean;
}

export function alertSettings(cfg: PsadConfig, f: AlertFlags): AlertSettings {
  const n = (k: string, d = '0') => cfg.num(k, d);
  return {
    psadDir: cfg.get('PSAD_DIR'),
    minDangerLevel: n('MIN_DANGER_LEVEL'),
    emailAlertDangerLevel: n('EMAIL_ALERT_DANGER_LEVEL'),
    emailLimit: n('EMAIL_LIMIT'),
    emailLimitPerDst: cfg.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y',
    emailLimitStatusMsg: cfg.get('EMAIL_LIMIT_STATUS_MSG') !== 'N',
    emailThrottle: n('EMAIL_THROTTLE'),
    alertAll: cfg.get('ALERT_ALL') !== 'N',
    protocolScanThreshold: n('PROTOCOL_SCAN_THRESHOLD'),
    macReporting: cfg.get('ENABLE_MAC_ADDR_REPORTING') === 'Y',
    noPassiveOs: f.noPassiveOs,
    enableSigMsgSyslog: cfg.get('ENABLE_SIG_MSG_SYSLOG') === 'Y',
    sigMsgSyslogThreshold: n('SIG_MSG_SYSLOG_THRESHOLD'),
    sigSidSyslogThreshold: n('SIG_SID_SYSLOG_THRESHOLD'),
    showAllSignatures: cfg.get('SHOW_ALL_SIGNATURES') === 'Y',
    snortSidRe: new RegExp(cfg.get('SNORT_SID_STR')),
    mailAlertPrefix: cfg.get('MAIL_ALERT_PREFIX'),
    mailStatusPrefix: cfg.get('MAIL_STATUS_PREFIX'),
    hostname: cfg.get('HOSTNAME'),
    checkInterval: n('CHECK_INTERVAL'),
    analysisMode: f.analysisMode,
    analysisEmails: f.analysisEmails,
    noDaemon: f.noDaemon,
    noEmailAlerts: f.noEmailAlerts,
    dnsOn: !f.noRdns && cfg.get('ENABLE_DNS_LOOKUPS') !== 'N',
    whoisOn: !f.noWhois && cfg.get('ENABLE_WHOIS_LOOKUPS') !== 'N',
    whoisForceSrcIp: cfg.get('ENABLE_WHOIS_FORCE_SRC_IP') !== 'N',
    extScriptExec: cfg.opt('ENABLE_EXT_SCRIPT_EXEC', 'N') === 'Y',
    extScriptPerAlert: cfg.opt('EXEC_EXT_SCRIPT_PER_ALERT', 'N') === 'Y',
  };
}
