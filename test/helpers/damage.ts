import { Rng } from './log-gen';

/**
 * Damage as a full kernel ring buffer or a lossy syslog relay does it to
 * real log lines: a byte changed, a piece cut out (or the end lost), a piece
 * repeated, a piece of another line spliced in. Seeded: a seed always gives
 * the same lines.
 */
export type DamageKind = 'byte' | 'cut' | 'truncate' | 'repeat' | 'splice';

export const DAMAGE_KINDS: readonly DamageKind[] = ['byte', 'cut', 'truncate', 'repeat', 'splice'];

/** Bytes a changed byte becomes: the ones that matter to the parser, and some others. */
const BYTES = '0123456789=: .ABCDEFINOPRSTUWXYZabcdefx()[]-_,\t\x00\xa0\xe9\xff';

export function damage(line: string, kind: DamageKind, r: Rng, other: string): string {
  const n = line.length;
  if (n < 2) return line;
  const at = r.int(0, n - 1);
  switch (kind) {
    case 'byte':
      return line.slice(0, at) + BYTES[r.int(0, BYTES.length - 1)] + line.slice(at + 1);
    case 'cut': {
      const len = r.chance(0.5) ? r.int(1, 3) : r.int(4, 40);
      return line.slice(0, at) + line.slice(at + len);
    }
    case 'truncate':
      return line.slice(0, at);
    case 'repeat': {
      const len = r.int(1, 40);
      return line.slice(0, at + len) + line.slice(at, at + len) + line.slice(at + len);
    }
    case 'splice': {
      // the rest of this line replaced by the end of another (interleaved writes), or a piece of it inserted
      const from = r.int(0, Math.max(0, other.length - 1));
      if (r.chance(0.5)) return line.slice(0, at) + other.slice(from);
      return line.slice(0, at) + other.slice(from, from + r.int(5, 80)) + line.slice(at);
    }
  }
}

export interface DamagedLog {
  lines: string[];
  /** how many lines got each kind of damage (a line may get two) */
  kinds: Record<DamageKind, number>;
  damaged: number;
}

/**
 * `count` lines drawn from `sources`, most of them damaged once or twice
 * (`share` of them), the others intact so that scans still build up.
 */
export function damagedLog(sources: readonly string[], count: number, seed: number, share = 0.8): DamagedLog {
  const r = new Rng(seed);
  const kinds = Object.fromEntries(DAMAGE_KINDS.map((k) => [k, 0])) as Record<DamageKind, number>;
  const lines: string[] = [];
  let damaged = 0;
  for (let i = 0; i < count; i++) {
    let line = r.pick(sources);
    if (r.chance(share)) {
      damaged++;
      const times = r.chance(0.2) ? 2 : 1;
      for (let k = 0; k < times; k++) {
        const kind = r.pick(DAMAGE_KINDS);
        kinds[kind]++;
        line = damage(line, kind, r, r.pick(sources));
      }
    }
    // a damaged line is still one line
    lines.push(line.replace(/[\r\n]/g, ' '));
  }
  return { lines, kinds, damaged };
}
