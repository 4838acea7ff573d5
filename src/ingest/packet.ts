import { Addr } from '../net/addr';

/**
 * One parsed firewall log line, with the fields and defaults of the
 * reference's packet record (numbers -1 and strings '' when not logged).
 */
export class Packet {
  raw = '';
  src = '';
  dst = '';
  sAddr: Addr | null = null;
  dAddr: Addr | null = null;
  proto = '';
  ipLen = -1;
  ipOpts = '';
  ipId = -1;
  ttl = -1;
  tos = '';
  fragBit = 0;
  isIpv6 = 0;
  tc = -1;
  hopLimit = -1;
  flowLabel = -1;
  itype = -1;
  icode = -1;
  icmpSeq = -1;
  icmpId = -1;
  sp = -1;
  dp = -1;
  win = -1;
  /** iptables flag words ("SYN", "URG PSH FIN", "NULL"); '-1' when not TCP */
  flags = '-1';
  tcpSeq = -1;
  tcpAck = -1;
  tcpOpts = '';
  udpLen = -1;
  srcMac = '';
  dstMac = '';
  intf = '';
  chain = '';
  logPrefix = '';
  syslogHost = '';
  timestamp = '';
  fwsnortSid = '0';
  fwsnortRnum = '0';
  fwsnortEstab = 0;
  isTopera = 0;
  isMasscan = 0;
  isMirai = 0;
  isPortSweep = 0;
  dshieldStr = '';
}

/** The reference's packet field names, as --CSV-fields and --analysis-fields know them. */
export const PACKET_FIELDS: readonly string[] = [
  'chain', 'd_obj', 'dp', 'dshield_str', 'dst', 'dst_mac', 'flags', 'flow_label', 'frag_bit', 'fwsnort_estab',
  'fwsnort_rnum', 'fwsnort_sid', 'hop_limit', 'icmp_id', 'icmp_seq', 'icode', 'intf', 'ip_id', 'ip_len', 'ip_opts',
  'is_ipv6', 'is_masscan', 'is_mirai', 'is_port_sweep', 'is_topera', 'itype', 'log_prefix', 'proto', 's_obj', 'sp',
  'src', 'src_mac', 'syslog_host', 'tc', 'tcp_ack', 'tcp_opts', 'tcp_seq', 'timestamp', 'tos', 'ttl', 'udp_len', 'win',
];

/** A packet field by its reference name (as text or number). */
export function packetField(p: Packet, name: string): string | number {
  switch (name) {
    case 'chain': return p.chain;
    case 'dp': return p.dp;
    case 'dshield_str': return p.dshieldStr;
    case 'dst': return p.dst;
    case 'dst_mac': return p.dstMac;
    case 'flags': return p.flags;
    case 'flow_label': return p.flowLabel;
    case 'frag_bit': return p.fragBit;
    case 'fwsnort_estab': return p.fwsnortEstab;
    case 'fwsnort_rnum': return p.fwsnortRnum;
    case 'fwsnort_sid': return p.fwsnortSid;
    case 'hop_limit': return p.hopLimit;
    case 'icmp_id': return p.icmpId;
    case 'icmp_seq': return p.icmpSeq;
    case 'icode': return p.icode;
    case 'intf': return p.intf;
    case 'ip_id': return p.ipId;
    case 'ip_len': return p.ipLen;
    case 'ip_opts': return p.ipOpts;
    case 'is_ipv6': return p.isIpv6;
    case 'is_masscan': return p.isMasscan;
    case 'is_mirai': return p.isMirai;
    case 'is_port_sweep': return p.isPortSweep;
    case 'is_topera': return p.isTopera;
    case 'itype': return p.itype;
    case 'log_prefix': return p.logPrefix;
    case 'proto': return p.proto;
    case 'sp': return p.sp;
    case 'src': return p.src;
    case 'src_mac': return p.srcMac;
    case 'syslog_host': return p.syslogHost;
    case 'tc': return p.tc;
    case 'tcp_ack': return p.tcpAck;
    case 'tcp_opts': return p.tcpOpts;
    case 'tcp_seq': return p.tcpSeq;
    case 'timestamp': return p.timestamp;
    case 'tos': return p.tos;
    case 'ttl': return p.ttl;
    case 'udp_len': return p.udpLen;
    case 'win': return p.win;
    default: return '';
  }
}
