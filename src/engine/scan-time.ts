const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];

/** Date::Calc Decode_Month (English): a name or any unique prefix of one; 0 if none. */
export function decodeMonth(s: string): number {
  const l = s.toLowerCase();
  if (!l) return 0;
  let found = 0;
  for (let i = 0; i < 12; i++) {
    if (MONTHS[i].startsWith(l)) {
      if (found) return 0;
      found = i + 1;
    }
  }
  return found;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The reference's date_time(): `Mon DD HH:MM:SS` in the current year (as
 * Date::Calc's Date_to_Time, i.e. UTC), moved back one year when it lies in
 * the future (psad 2.4.6 moves it back 356 days, landing 9 or 10 days late);
 * the current time when the text is not such a date. The reference dies on
 * an impossible date (Feb 30); the port uses `now`. Feb 29 of a leap year
 * moved back becomes Mar 1.
 */
export function dateTime(text: string, now: number): number {
  const m = /^\s*(\w+)\s+(\d+)\s+(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return now;
  const month = decodeMonth(m[1]);
  const year = new Date(now * 1000).getFullYear();
  const day = Number(m[2]);
  const h = Number(m[3]);
  const mi = Number(m[4]);
  const sec = Number(m[5]);
  if (!month || day < 1 || day > daysInMonth(year, month) || h > 23 || mi > 59 || sec > 59) return now;
  let t = Date.UTC(year, month - 1, day, h, mi, sec) / 1000;
  if (t > now) t = Date.UTC(year - 1, month - 1, day, h, mi, sec) / 1000;
  return t;
}

function isWs(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Scan start time of a pair in -A mode, from its first line: the text before
 * `<host> kernel:` (else the first three tokens).
 */
export function scanStartFromLine(raw: string, now: number): number {
  // ^(.*?)\s+\S+\s+kernel:
  for (let k = raw.indexOf('kernel:'); k >= 0; k = raw.indexOf('kernel:', k + 1)) {
    let j = k;
    if (j === 0 || !isWs(raw.charCodeAt(j - 1))) continue;
    while (j > 0 && isWs(raw.charCodeAt(j - 1))) j--;
    const tokEnd = j;
    while (j > 0 && !isWs(raw.charCodeAt(j - 1))) j--;
    if (j === tokEnd || j === 0 || !isWs(raw.charCodeAt(j - 1))) continue;
    while (j > 0 && isWs(raw.charCodeAt(j - 1))) j--;
    return dateTime(raw.slice(0, j), now);
  }
  const m = /^\s*(\S+\s+\S+\s+\S+)/.exec(raw);
  return dateTime(m ? m[1] : '', now);
}
