/**
 * The variables psad-node knows, in one place: psad 2.4.6's (its required
 * list and the rest of its psad.conf), those psad 3.0-dev adds, and this
 * port's own. A name in a config file that is none of these is reported as
 * a warning (with the closest known name); new variables go into the lists
 * below.
 */

/** Variables every psad.conf must define (the reference's required list). */
export const REQUIRED_VARS: readonly string[] = [
  'EMAIL_ADDRESSES', 'CHECK_INTERVAL', 'FW_DATA_FILE', 'FW_ERROR_LOG', 'HOME_NET', 'SNORT_SID_STR',
  'ENABLE_AUTO_IDS', 'IGNORE_CONNTRACK_BUG_PKTS', 'SCAN_TIMEOUT', 'DANGER_LEVEL1', 'DANGER_LEVEL2',
  'DANGER_LEVEL3', 'DANGER_LEVEL4', 'DANGER_LEVEL5', 'PORT_RANGE_SCAN_THRESHOLD', 'ALERT_ALL', 'EMAIL_LIMIT',
  'IPTABLES_BLOCK_METHOD', 'TCPWRAPPERS_BLOCK_METHOD', 'EMAIL_ALERT_DANGER_LEVEL', 'PSAD_FIFO_FILE',
  'WHOIS_LOOKUP_THRESHOLD', 'DNS_LOOKUP_THRESHOLD', 'WHOIS_TIMEOUT', 'SNORT_RULES_DIR', 'HOSTNAME',
  'PACKET_COUNTER_FILE', 'DSHIELD_COUNTER_FILE', 'SCAN_DATA_ARCHIVE_DIR', 'ENABLE_PERSISTENCE',
  'AUTO_BLOCK_IPT_FILE', 'AUTO_BLOCK_TCPWR_FILE', 'SIGS_FILE', 'AUTO_DL_FILE', 'AUTO_BLOCK_TIMEOUT',
  'EXTERNAL_SCRIPT', 'ENABLE_EXT_SCRIPT_EXEC', 'EXEC_EXT_SCRIPT_PER_ALERT', 'ENABLE_DSHIELD_ALERTS',
  'SYSLOG_DAEMON', 'DSHIELD_ALERT_INTERVAL', 'DSHIELD_ALERT_EMAIL', 'DSHIELD_USER_ID', 'DSHIELD_USER_EMAIL',
  'DSHIELD_DL_THRESHOLD', 'DISK_CHECK_INTERVAL', 'DISK_MAX_PERCENTAGE', 'DISK_MAX_RM_RETRIES',
  'ETC_HOSTS_DENY_FILE', 'ETC_SYSLOG_CONF', 'ETC_SYSLOGNG_CONF', 'MIN_ARCHIVE_DANGER_LEVEL',
  'ANALYSIS_MODE_DIR', 'IMPORT_OLD_SCANS', 'ICMP_TYPES_FILE', 'SHOW_ALL_SIGNATURES',
  'IPT_PREFIX_COUNTER_FILE', 'IGNORE_PORTS', 'ENABLE_SCAN_ARCHIVE', 'EMAIL_LIMIT_STATUS_MSG', 'P0F_FILE',
  'IGNORE_PROTOCOLS', 'IPT_AUTO_CHAIN1', 'AUTO_IPT_SOCK', 'IGNORE_INTERFACES', 'ALERTING_METHODS',
  'ULOG_DATA_FILE', 'MAIL_ALERT_PREFIX', 'MAIL_STATUS_PREFIX', 'MAIL_ERROR_PREFIX', 'MAIL_FATAL_PREFIX',
  'ENABLE_AUTO_IDS_EMAILS', 'FLUSH_IPT_AT_INIT', 'ENABLE_MAC_ADDR_REPORTING', 'TRUNCATE_FWDATA', 'PSAD_DIR',
  'PSAD_RUN_DIR', 'PSAD_FIFO_DIR', 'ENABLE_FW_LOGGING_CHECK', 'ENABLE_RENEW_BLOCK_EMAILS',
  'DSHIELD_EMAIL_FILE', 'AUTO_BLOCK_REGEX', 'ENABLE_AUTO_IDS_REGEX', 'IPTABLES_PREREQ_CHECK',
  'SNORT_RULE_DL_FILE', 'IPT_OUTPUT_PATTERN', 'IPT_ERROR_PATTERN', 'PROC_FORWARD_FILE', 'PSAD_CONF_DIR',
  'EXTERNAL_NET', 'HTTP_SERVERS', 'SMTP_SERVERS', 'DNS_SERVERS', 'SQL_SERVERS', 'TELNET_SERVERS',
  'AIM_SERVERS', 'HTTP_PORTS', 'SHELLCODE_PORTS', 'ORACLE_PORTS', 'ENABLE_INTF_LOCAL_NETS',
  'ENABLE_SNORT_SIG_STRICT', 'IP_OPTS_FILE', 'SIG_UPDATE_URL', 'CONF_ARCHIVE_DIR', 'TOP_SIGS_FILE',
  'TOP_PORTS_LOG_THRESHOLD', 'TOP_SIGS_LOG_THRESHOLD', 'TOP_SCANNED_PORTS_FILE', 'STATUS_OUTPUT_FILE',
  'TOP_ATTACKERS_FILE', 'STATUS_PORTS_THRESHOLD', 'STATUS_SIGS_THRESHOLD', 'STATUS_IP_THRESHOLD',
  'ANALYSIS_OUTPUT_FILE', 'TOP_IP_LOG_THRESHOLD', 'PSAD_LIBS_DIR', 'PSAD_PID_FILE', 'PSAD_CMDLINE_FILE',
  'PSAD_ERR_DIR', 'MIN_DANGER_LEVEL', 'IGNORE_KERNEL_TIMESTAMP', 'ENABLE_SIG_MSG_SYSLOG',
  'SIG_MSG_SYSLOG_THRESHOLD', 'SIG_SID_SYSLOG_THRESHOLD', 'PSADWATCHD_CHECK_INTERVAL',
  'PSADWATCHD_MAX_RETRIES', 'SYSLOG_IDENTITY', 'SYSLOG_FACILITY', 'SYSLOG_PRIORITY',
  'ENABLE_EMAIL_LIMIT_PER_DST', 'ENABLE_SYSLOG_FILE', 'IPT_SYSLOG_FILE', 'IPT_WRITE_FWDATA',
  'ETC_RSYSLOG_CONF', 'IFCFGTYPE', 'ENABLE_WHOIS_FORCE_ASCII', 'ENABLE_WHOIS_FORCE_SRC_IP',
  'ENABLE_IPV6_DETECTION', 'PERSISTENCE_CTR_THRESHOLD', 'MAX_SCAN_IP_PAIRS', 'INSTALL_ROOT',
  'ICMP6_TYPES_FILE', 'PROTOCOL_SCAN_THRESHOLD', 'PROTOCOLS_FILE', 'AUTO_BLOCK_DL1_TIMEOUT',
  'AUTO_BLOCK_DL2_TIMEOUT', 'AUTO_BLOCK_DL3_TIMEOUT', 'AUTO_BLOCK_DL4_TIMEOUT', 'AUTO_BLOCK_DL5_TIMEOUT',
  'EMAIL_THROTTLE', 'EXPECT_TCP_OPTIONS', 'ENABLE_PSADWATCHD', 'ENABLE_EXT_BLOCK_SCRIPT_EXEC',
  'EXTERNAL_BLOCK_SCRIPT', 'ENABLE_FW_MSG_READ_CMD', 'FW_MSG_READ_CMD', 'FW_MSG_READ_CMD_ARGS',
  'USE_FW_MSG_READ_CMD_ARGS', 'CUSTOM_SYSLOG_TS_RE', 'ENABLE_CUSTOM_SYSLOG_TS_RE', 'FW_MSG_READ_MIN_PKTS',
  'ENABLE_DNS_LOOKUPS', 'ENABLE_WHOIS_LOOKUPS', 'PSAD_FW_READ_PID_FILE', 'DL1_UNIQUE_HOSTS',
  'DL2_UNIQUE_HOSTS', 'DL3_UNIQUE_HOSTS', 'DL4_UNIQUE_HOSTS', 'DL5_UNIQUE_HOSTS',
  'PORT_RANGE_SWEEP_THRESHOLD', 'ENABLE_OVERRIDE_FW_CMD', 'FW_CMD', 'FW_CMD_ARGS', 'EMAIL_APPEND_HEADER',
];

/**
 * Variables used as integers. The reference converts whatever is there to a
 * number; the port refuses a value that is not an integer and names its line.
 */
export const INTEGER_VARS: readonly string[] = [
  'DANGER_LEVEL1', 'DANGER_LEVEL2', 'DANGER_LEVEL3', 'DANGER_LEVEL4', 'DANGER_LEVEL5', 'DL1_UNIQUE_HOSTS',
  'DL2_UNIQUE_HOSTS', 'DL3_UNIQUE_HOSTS', 'DL4_UNIQUE_HOSTS', 'DL5_UNIQUE_HOSTS', 'CHECK_INTERVAL',
  'SCAN_TIMEOUT', 'EMAIL_LIMIT', 'EMAIL_ALERT_DANGER_LEVEL', 'MIN_DANGER_LEVEL', 'PROTOCOL_SCAN_THRESHOLD',
  'PORT_RANGE_SWEEP_THRESHOLD', 'MAX_SCAN_IP_PAIRS', 'PERSISTENCE_CTR_THRESHOLD', 'WHOIS_TIMEOUT',
  'WHOIS_LOOKUP_THRESHOLD', 'DNS_LOOKUP_THRESHOLD', 'AUTO_BLOCK_TIMEOUT', 'AUTO_BLOCK_DL1_TIMEOUT',
  'AUTO_BLOCK_DL2_TIMEOUT', 'AUTO_BLOCK_DL3_TIMEOUT', 'AUTO_BLOCK_DL4_TIMEOUT', 'AUTO_BLOCK_DL5_TIMEOUT',
  'DISK_CHECK_INTERVAL', 'DISK_MAX_PERCENTAGE', 'DISK_MAX_RM_RETRIES', 'PSADWATCHD_CHECK_INTERVAL',
  'PSADWATCHD_MAX_RETRIES', 'FW_MSG_READ_MIN_PKTS', 'SIG_MSG_SYSLOG_THRESHOLD', 'SIG_SID_SYSLOG_THRESHOLD',
  'EMAIL_THROTTLE', 'MIN_ARCHIVE_DANGER_LEVEL', 'DSHIELD_DL_THRESHOLD', 'IPTABLES_PREREQ_CHECK', 'MAX_HOPS',
  'SMTP_PORT', 'DNS_TIMEOUT',
  'AUTO_IDS_DANGER_LEVEL',
];

/** psad 2.4.6 variables that are not in the required list. */
export const PSAD_OPTIONAL_VARS: readonly string[] = [
  'AUTO_DETECT_JOURNALCTL', 'ETC_METALOG_CONF', 'FWSNORT_RULES_DIR', 'FW_CHECK_FILE', 'FW_MSG_SEARCH',
  'FW_SEARCH_ALL', 'IGNORE_LOG_PREFIXES', 'INSTALL_LOG_FILE', 'KMSGSD_PID_FILE', 'POSF_FILE', 'PRINT_SCAN_HASH',
  'PSADWATCHD_PID_FILE', 'TOP_SCANS_CTR_THRESHOLD', 'MAX_HOPS', 'AUTO_IDS_DANGER_LEVEL',
];

/** Variables psad 3.0-dev adds: accepted (and unused) so its configs load without warnings. */
export const PSAD3_VARS: readonly string[] = [
  'ENABLE_REPUTATION_FEEDS', 'REPUTATION_FEED', 'REPUTATION_FEEDS_DIR', 'PSAD_TMP_DIR', 'ENABLE_IP_INFO_URL', 'IP_INFO',
  'IFCFGTYPE',
];

/** This port's own variables (see etc/psad.conf for what each does). */
export const PORT_VARS: readonly string[] = [
  'AUTO_BLOCK_HOME_NET', 'FW_BACKEND', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_STARTTLS', 'SMTP_USER', 'SMTP_PASSWORD',
  'SYSLOG_SOCKET', 'DNS_TIMEOUT', 'WHOIS_SERVER',
];

/** Names that may carry any number (IPT_AUTO_CHAIN1, IPT_AUTO_CHAIN2, ...). */
const NUMBERED_VARS = /^IPT_AUTO_CHAIN\d+$/;

/** `<name>Cmd` command paths: psad 2.4.6's and this port's (nftCmd). */
export const COMMANDS: readonly string[] = [
  'iptables', 'ip6tables', 'sh', 'wget', 'gzip', 'mknod', 'ps', 'mail', 'sendmail', 'ifconfig', 'ip', 'killall',
  'netstat', 'uname', 'whois', 'df', 'fwcheck_psad', 'psadwatchd', 'kmsgsd', 'psad', 'nft',
];

/**
 * Y/N switches: Y or N in any case, nothing else (psad 2.4.6 also took YES
 * and NO for ENABLE_* and then treated YES as "not Y"; other switches took
 * anything and treated it as "not Y" or "not N", depending on the test).
 * Every other ENABLE_* name is checked the same way.
 */
export const YN_VARS: readonly string[] = [
  'FW_SEARCH_ALL', 'ENABLE_PERSISTENCE', 'SHOW_ALL_SIGNATURES', 'AUTO_DETECT_JOURNALCTL', 'ENABLE_SYSLOG_FILE',
  'IPT_WRITE_FWDATA', 'ENABLE_FW_MSG_READ_CMD', 'USE_FW_MSG_READ_CMD_ARGS', 'ENABLE_SIG_MSG_SYSLOG', 'ENABLE_PSADWATCHD',
  'EXPECT_TCP_OPTIONS', 'IGNORE_KERNEL_TIMESTAMP', 'IGNORE_CONNTRACK_BUG_PKTS', 'ENABLE_IPV6_DETECTION',
  'ENABLE_INTF_LOCAL_NETS', 'ENABLE_MAC_ADDR_REPORTING', 'ENABLE_FW_LOGGING_CHECK', 'ENABLE_EMAIL_LIMIT_PER_DST',
  'EMAIL_LIMIT_STATUS_MSG', 'SMTP_STARTTLS', 'ALERT_ALL', 'IMPORT_OLD_SCANS', 'ENABLE_OVERRIDE_FW_CMD',
  'ENABLE_DSHIELD_ALERTS', 'ENABLE_SNORT_SIG_STRICT', 'ENABLE_AUTO_IDS', 'ENABLE_AUTO_IDS_REGEX',
  'ENABLE_RENEW_BLOCK_EMAILS', 'ENABLE_AUTO_IDS_EMAILS', 'AUTO_BLOCK_HOME_NET', 'IPTABLES_BLOCK_METHOD',
  'FLUSH_IPT_AT_INIT', 'TCPWRAPPERS_BLOCK_METHOD', 'ENABLE_WHOIS_LOOKUPS', 'ENABLE_WHOIS_FORCE_ASCII',
  'ENABLE_WHOIS_FORCE_SRC_IP', 'ENABLE_DNS_LOOKUPS', 'ENABLE_EXT_SCRIPT_EXEC', 'EXEC_EXT_SCRIPT_PER_ALERT',
  'ENABLE_EXT_BLOCK_SCRIPT_EXEC', 'ENABLE_CUSTOM_SYSLOG_TS_RE', 'ENABLE_SCAN_ARCHIVE', 'TRUNCATE_FWDATA',
  'ENABLE_REPUTATION_FEEDS', 'ENABLE_IP_INFO_URL',
];

/** Networks (signature sources and destinations): any, or a comma list of addresses and networks. */
export const NETWORK_VARS: readonly string[] = [
  'HOME_NET', 'EXTERNAL_NET', 'HTTP_SERVERS', 'SMTP_SERVERS', 'DNS_SERVERS', 'SQL_SERVERS', 'TELNET_SERVERS', 'AIM_SERVERS',
];

const KNOWN = new Set<string>([...REQUIRED_VARS, ...INTEGER_VARS, ...PSAD_OPTIONAL_VARS, ...PSAD3_VARS, ...PORT_VARS, ...YN_VARS, ...NETWORK_VARS]);
const KNOWN_CMDS = new Set<string>(COMMANDS);

export function isKnownVar(name: string): boolean {
  return KNOWN.has(name) || NUMBERED_VARS.test(name);
}

export function isKnownCommand(name: string): boolean {
  return KNOWN_CMDS.has(name);
}

/** Optimal string alignment distance (edits, with adjacent swaps). */
function distance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to a misspelt one (case ignored), when it is close
 * enough to be what was meant: at most 3 edits and at most a third of the
 * name. Ties go to the name first in alphabetical order.
 */
export function closestName(name: string, cmd = false): string | undefined {
  const pool = cmd ? [...KNOWN_CMDS].map((c) => `${c}Cmd`) : [...KNOWN];
  const up = name.toUpperCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of pool.sort()) {
    const dd = distance(up, k.toUpperCase());
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best !== undefined && bestD <= Math.min(3, Math.max(1, Math.floor(name.length / 3))) ? best : undefined;
}
