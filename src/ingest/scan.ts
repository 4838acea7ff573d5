/**
 * Linear-time scanning helpers over one log line. They reproduce what the
 * reference's Perl regular expressions match (\s, \S, \d on bytes) without
 * backtracking, so a hostile line cannot make parsing slow.
 *
 * A line is the text without its '\n'. Perl sees the newline, and `\s`
 * matches it, so `eol` tells whether a virtual whitespace follows the end.
 */
export class Line {
  readonly s: string;
  readonly n: number;
  readonly eol: boolean;

  constructor(s: string, eol: boolean) {
    this.s = s;
    this.n = s.length;
    this.eol = eol;
  }

  /** Perl \s at i (ASCII whitespace; the virtual newline at n). */
  ws(i: number): boolean {
    if (i >= this.n) return i === this.n && this.eol;
    const c = this.s.charCodeAt(i);
    return c === 32 || (c >= 9 && c <= 13);
  }

  /** Perl \S at i. */
  nws(i: number): boolean {
    if (i >= this.n) return false;
    const c = this.s.charCodeAt(i);
    return !(c === 32 || (c >= 9 && c <= 13));
  }

  digit(i: number): boolean {
    if (i >= this.n) return false;
    const c = this.s.charCodeAt(i);
    return c >= 48 && c <= 57;
  }

  /** End of a run of whitespace starting at i (i itself if none). */
  wsEnd(i: number): number {
    while (this.ws(i)) i++;
    return i;
  }

  private runStart = -1;
  private runEnd = -1;

  /**
   * End of a run of non-whitespace starting at i. The last run found is
   * remembered: every position inside a run has the same end, so repeated
   * lookups inside one long token stay linear.
   */
  tokEnd(i: number): number {
    if (i >= this.runStart && i < this.runEnd) return this.runEnd;
    const s = this.s;
    const n = this.n;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13)) break;
      i++;
    }
    if (i > start) {
      this.runStart = start;
      this.runEnd = i;
    }
    return i;
  }

  digitsEnd(i: number): number {
    while (this.digit(i)) i++;
    return i;
  }

  at(i: number, lit: string): boolean {
    return this.s.startsWith(lit, i);
  }

  /** `lit` at i followed by \s+ : returns the end of the whitespace or -1. */
  litWs(i: number, lit: string): number {
    if (!this.s.startsWith(lit, i)) return -1;
    const j = i + lit.length;
    if (!this.ws(j)) return -1;
    return this.wsEnd(j);
  }

  /** `lit(\d+)` at i: returns the end of the digits or -1. */
  litDigits(i: number, lit: string): number {
    if (!this.s.startsWith(lit, i)) return -1;
    const j = i + lit.length;
    if (!this.digit(j)) return -1;
    return this.digitsEnd(j);
  }

  /** `\s+` at i: end of the run or -1. */
  needWs(i: number): number {
    if (!this.ws(i)) return -1;
    return this.wsEnd(i);
  }

  slice(a: number, b: number): string {
    return this.s.slice(a, b);
  }

  num(a: number, b: number): number {
    // digits only; Perl compares such captures numerically
    if (b - a < 16) {
      let v = 0;
      for (let i = a; i < b; i++) v = v * 10 + (this.s.charCodeAt(i) - 48);
      return v;
    }
    return Number(this.s.slice(a, b));
  }

  /** Occurrences of lit, right to left, starting at or before `from`. */
  lastIndex(lit: string, from: number): number {
    if (from < 0) return -1;
    return this.s.lastIndexOf(lit, from);
  }

  index(lit: string, from: number): number {
    return this.s.indexOf(lit, from);
  }
}

const IPV4_TOKEN = /^(?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}$/;

/**
 * The reference's IPv4 shape followed by \s+: returns the end of the token or
 * -1. The shape is checked on the whole token (short, anchored).
 */
export function ipv4Tok(L: Line, i: number): number {
  let e = i;
  while (e < L.n && e - i <= 15 && L.nws(e)) e++;
  if (e === i || e - i > 15) return -1;
  if (!L.ws(e)) return -1;
  return IPV4_TOKEN.test(L.slice(i, e)) ? e : -1;
}

/** The reference's IPv6 shape (eight groups of four hex digits) at i: end or -1. */
export function ipv6Tok(L: Line, i: number): number {
  if (i + 39 > L.n) return -1;
  const s = L.s;
  for (let g = 0; g < 8; g++) {
    const b = i + g * 5;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(b + k);
      const hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
      if (!hex) return -1;
    }
    if (g < 7 && s.charCodeAt(b + 4) !== 58) return -1;
  }
  return i + 39;
}

/**
 * `\((\S+)\)` at i (i pointing at '('): the capture runs to the last ')' of
 * the non-space run, which must leave at least one character. Returns
 * [captureStart, captureEnd, afterParen] or null. With `needWsAfter` the ')'
 * must be the last character of the run (it is followed by \s).
 */
export function parenToken(L: Line, i: number, needWsAfter: boolean): [number, number, number] | null {
  if (L.s.charCodeAt(i) !== 40) return null;
  const start = i + 1;
  const end = L.tokEnd(start);
  if (end - start < 2) return null;
  if (needWsAfter) {
    if (L.s.charCodeAt(end - 1) !== 41) return null;
    return [start, end - 1, end];
  }
  const close = L.s.lastIndexOf(')', end - 1);
  if (close <= start) return null;
  return [start, close, close + 1];
}
