import { Packet, PACKET_FIELDS, packetField } from './packet';
import { Net, netContains } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { PsadError } from '../config/errors';

const ALIASES: Record<string, string> = {
  SRC: 'src', DST: 'dst', SPT: 'sp', DPT: 'dp', PROTO: 'proto', TOS: 'tos', WIN: 'win', TYPE: 'itype', CODE: 'icode',
  TTL: 'ttl', ID: 'ip_id', SEQ: 'icmp_seq', LEN: 'ip_len', IN: 'intf', OUT: 'intf',
};

export const COUNT_TYPES = ['countabs', 'countuniq', 'countday', 'counthouruniq', 'countminuniq', 'countdayuniq',
  'counthour', 'countmin', 'countday', 'count'];

const TIME_COUNTS = new Set(['countday', 'counthour', 'countmin', 'countdayuniq', 'counthouruniq', 'countminuniq']);

const IPV4 = '(?:[0-2]?\\d{1,2}\\.){3}[0-2]?\\d{1,2}';

export type Criterion =
  | { kind: 'none' }
  | { kind: 'num'; value: number; negate: boolean }
  | { kind: 'gt' | 'lt'; value: number; negate: boolean }
  | { kind: 're'; re: RegExp; negate: boolean }
  | { kind: 'str'; value: string; negate: boolean }
  | { kind: 'net'; net: Net; negate: boolean };

export interface FieldSpec {
  field: string;
  criterion: Criterion;
}

export interface ParsedFields {
  fields: FieldSpec[];
  countType: string;
  /** index of the field carrying the count keyword */
  countElement: number;
  /** a time-based count forces sort style "time" */
  timeCount: boolean;
}

/**
 * Parses a --CSV-fields / --analysis-fields string: whitespace-separated
 * `field[:criterion]` tokens with the reference's aliases and criteria.
 * `requireCriteria` is the -A rule that every token needs one.
 */
export function parseFieldSpec(text: string, requireCriteria: boolean): ParsedFields {
  const out: ParsedFields = { fields: [], countType: '', countElement: -1, timeCount: false };
  for (const tok of text.split(/\s+/).filter((t) => t.length)) {
    let field = tok;
    let search = '';
    let negate = false;
    const m = /(\w+):(\S+)/.exec(tok);
    if (m) {
      field = m[1];
      search = m[2];
    } else if (requireCriteria) {
      throw new PsadError(`${tok} requires a search criteria in -A mode.`);
    }
    search = search.replace(/,$/, '');
    if (/^not/.test(search)) {
      negate = true;
      search = search.replace(/^not/, '');
    }
    for (const ct of COUNT_TYPES) {
      if (new RegExp(`,${ct}$`).test(search) || new RegExp(`^${ct}`).test(search)) {
        search = search.replace(new RegExp(`,${ct}$`), '').replace(new RegExp(`^${ct}`), '');
        if (out.countType) throw new PsadError('Counts against multiple fields are not supported.');
        out.countType = ct;
        out.countElement = out.fields.length;
        if (TIME_COUNTS.has(ct)) {
          out.timeCount = true;
          if (out.fields.length === 0 || out.fields[0].field !== 'timestamp') {
            throw new PsadError("The first search field must be 'timestamp' for time-based counts");
          }
        }
      }
    }
    field = ALIASES[field] ?? field;
    if (!PACKET_FIELDS.includes(field)) {
      const list = [...PACKET_FIELDS].sort().map((k) => `    ${k}\n`).join('');
      throw new PsadError(`${field} is not a valid packet field; valid fields are:\n${list}`);
    }
    let criterion: Criterion = { kind: 'none' };
    if (search) {
      let mm: RegExpExecArray | null;
      if (/^\d+$/.test(search)) criterion = { kind: 'num', value: Number(search), negate };
      else if ((mm = /^>(\d+)$/.exec(search))) criterion = { kind: 'gt', value: Number(mm[1]), negate };
      else if ((mm = /^<(\d+)$/.exec(search))) criterion = { kind: 'lt', value: Number(mm[1]), negate };
      else if ((mm = /^\/(.*?)\/$/.exec(search))) {
        let re: RegExp;
        try {
          re = new RegExp(mm[1]);
        } catch (e) {
          throw new PsadError(`Invalid regular expression for ${field}: ${(e as Error).message}`);
        }
        criterion = { kind: 're', re, negate };
      } else if ((mm = /^'(.*?)'$/.exec(search))) criterion = { kind: 'str', value: mm[1], negate };
      else if (new RegExp(`^${IPV4}(?:/${IPV4}|/\\d+)?$`).test(search) || search.includes(':')) {
        const net = parseUserNet(search);
        if (!net) throw new PsadError(`Could not parse the address or network "${search}" for ${field}`);
        criterion = { kind: 'net', net, negate };
      } else throw new PsadError(`Unrecognized value for ${field}`);
    }
    out.fields.push({ field, criterion });
  }
  return out;
}

const IPV4_RE = new RegExp(IPV4);
const IPV6_RE = /(?:[a-f0-9]{4}:){7}(?:[a-f0-9]{4})/i;

function textOf(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

const DIGITS = /^\d+$/;

/**
 * ipt_match_criteria for one field: does its text `v` meet the criterion?
 * The one implementation behind --analysis-fields (FieldFilter) and the
 * --CSV-fields selection (report/csv.ts). A numeric criterion needs digits;
 * a network criterion applies to src and dst only (the reference calls
 * within() on an empty object for other fields and dies).
 */
export function criterionHolds(c: Criterion, field: string, v: string, pkt: Packet): boolean {
  switch (c.kind) {
    case 'none':
      return true;
    case 'num':
      return DIGITS.test(v) && (c.negate ? Number(v) !== c.value : Number(v) === c.value);
    case 'gt':
      return DIGITS.test(v) && (c.negate ? Number(v) <= c.value : Number(v) > c.value);
    case 'lt':
      return DIGITS.test(v) && (c.negate ? Number(v) >= c.value : Number(v) < c.value);
    case 'str':
      return c.negate ? v !== c.value : v === c.value;
    case 're':
      return c.negate ? !c.re.test(v) : c.re.test(v);
    case 'net': {
      if (!IPV4_RE.test(v) && !IPV6_RE.test(v)) return false;
      const a = field === 'src' ? pkt.sAddr : field === 'dst' ? pkt.dAddr : null;
      if (!a) return false;
      return netContains(c.net, a) !== c.negate;
    }
  }
}

/** ipt_match_criteria: every field's criterion must hold. */
export class FieldFilter {
  constructor(readonly spec: ParsedFields) {}

  matches(pkt: Packet): boolean {
    for (const f of this.spec.fields) {
      if (f.criterion.kind === 'none') continue;
      if (!criterionHolds(f.criterion, f.field, textOf(packetField(pkt, f.field)), pkt)) return false;
    }
    return true;
  }
}
