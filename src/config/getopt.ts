/**
 * A command-line parser with the semantics of Perl's Getopt::Long as psad
 * configures it (case sensitive, no bundling): `-x` and `--x` are the same,
 * any unique prefix of a long name is accepted, an exact name wins over
 * prefixes, values come as `--opt value` or `--opt=value`.
 */

export type OptType = 'flag' | 'string' | 'int';

export interface OptSpec {
  name: string;
  type: OptType;
  /** key in the result (synonyms share a key) */
  key: string;
}

export interface ParsedArgs {
  values: Map<string, string | number | boolean>;
  /** non-option arguments (ignored by psad) */
  rest: string[];
  errors: string[];
}

const INT_RE = /^[+-]?\d+$/;

export function getopt(argv: readonly string[], specs: readonly OptSpec[]): ParsedArgs {
  const values = new Map<string, string | number | boolean>();
  const rest: string[] = [];
  const errors: string[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      rest.push(arg);
      continue;
    }
    let body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    let inline: string | undefined;
    const eq = body.indexOf('=');
    if (eq >= 0) {
      inline = body.slice(eq + 1);
      body = body.slice(0, eq);
    }
    let spec = byName.get(body);
    if (!spec) {
      // synonyms (one key) count as one option, as Getopt::Long's aliases do
      const seen = new Set<string>();
      const cands = specs.filter((s) => s.name.startsWith(body) && !seen.has(s.key) && (seen.add(s.key), true));
      if (cands.length === 0 || body === '') {
        errors.push(`Unknown option: ${body}`);
        continue;
      }
      if (cands.length > 1) {
        const names = cands.map((c) => c.name).sort();
        errors.push(`Option ${body} is ambiguous (${names.join(', ')})`);
        continue;
      }
      spec = cands[0];
    }
    if (spec.type === 'flag') {
      if (inline !== undefined) {
        errors.push(`Option ${spec.name} does not take an argument`);
        continue;
      }
      values.set(spec.key, true);
      continue;
    }
    let val = inline;
    if (val === undefined) {
      if (i + 1 >= argv.length) {
        errors.push(`Option ${spec.name} requires an argument`);
        continue;
      }
      val = argv[++i];
    }
    if (spec.type === 'int') {
      if (!INT_RE.test(val)) {
        errors.push(`Value "${val}" invalid for option ${spec.name} (number expected)`);
        continue;
      }
      values.set(spec.key, Number(val));
    } else {
      values.set(spec.key, val);
    }
  }
  return { values, rest, errors };
}
