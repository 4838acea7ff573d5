/**
 * Perl's Data::Dumper output (default settings: Indent 2, quoted keys),
 * which psad prints its hashes with, for debug output and the -U dump.
 * Hashes are Maps; their keys are printed sorted as Perl's sort() sorts
 * strings (Data::Dumper's Sortkeys), where psad prints Perl hash order.
 */
export type PerlValue = string | number | undefined | PerlValue[] | PerlHash;
export type PerlHash = Map<string, PerlValue>;

/** A single-quoted Perl string. */
function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A scalar: integers of up to 10 characters bare (as the XS Dumper prints IVs), other values quoted. */
function scalar(v: string | number | undefined): string {
  if (v === undefined) return 'undef';
  if (typeof v === 'number' && Number.isInteger(v) && String(v).length <= 10) return String(v);
  return quote(String(v));
}

function byPerlSort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One value whose first character is at column `col`. */
function dumpAt(v: PerlValue, col: number): string {
  if (v instanceof Map) {
    if (!v.size) return '{}';
    const pad = ' '.repeat(col + 2);
    const keys = [...v.keys()].sort(byPerlSort);
    const lines = keys.map((k) => {
      const key = `${quote(k)} => `;
      return `${pad}${key}${dumpAt(v.get(k), col + 2 + key.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${' '.repeat(col)}}`;
  }
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const pad = ' '.repeat(col + 2);
    return `[\n${v.map((x) => `${pad}${dumpAt(x, col + 2)}`).join(',\n')}\n${' '.repeat(col)}]`;
  }
  return scalar(v);
}

/** `$VAR1 = ...;` with its line end, as `print Dumper $value` writes it. */
export function perlDumper(v: PerlValue): string {
  return `$VAR1 = ${dumpAt(v, 8)};\n`;
}
