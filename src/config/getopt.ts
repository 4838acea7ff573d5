import { Command, Option } from 'commander';

/**
 * The command lines of psad, kmsgsd and psadwatchd. A small normaliser
 * applies Perl's Getopt::Long rules as psad configures them (case sensitive,
 * no bundling): `-x` and `--x` are the same, any unique prefix of a long name
 * is accepted, an exact name wins over prefixes, synonyms count once, values
 * come as `--opt value` or `--opt=value`, `--` ends the options. It hands
 * commander canonical tokens, because commander has neither unique-prefix
 * abbreviations nor single-dash long options; a commander Command made from
 * the same option specs then takes the values.
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

/** A refused argument: Getopt::Long's message, and where in argv it was (messages come in that order). */
interface ArgError {
  at: number;
  text: string;
}

interface Normalised {
  /** `--<declared name>` [value] per option, other arguments where they were, `--` and what follows it */
  tokens: string[];
  /** unknown and ambiguous names, missing or unwanted values */
  errors: ArgError[];
  /** argv index of each int option in `tokens`, in their order (commander checks their values) */
  intAt: number[];
}

const INT_RE = /^[+-]?\d+$/;

/** Each option of argv resolved to the name it was declared with, as Getopt::Long resolves it. */
function normalise(argv: readonly string[], specs: readonly OptSpec[]): Normalised {
  const tokens: string[] = [];
  const errors: ArgError[] = [];
  const intAt: number[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      tokens.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      tokens.push(arg);
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
        errors.push({ at: i, text: `Unknown option: ${body}` });
        continue;
      }
      if (cands.length > 1) {
        const names = cands.map((c) => c.name).sort();
        errors.push({ at: i, text: `Option ${body} is ambiguous (${names.join(', ')})` });
        continue;
      }
      spec = cands[0];
    }
    if (spec.type === 'flag') {
      if (inline !== undefined) errors.push({ at: i, text: `Option ${spec.name} does not take an argument` });
      else tokens.push(`--${spec.name}`);
      continue;
    }
    let val = inline;
    if (val === undefined) {
      if (i + 1 >= argv.length) {
        errors.push({ at: i, text: `Option ${spec.name} requires an argument` });
        continue;
      }
      val = argv[++i];
    }
    if (spec.type === 'int') intAt.push(i);
    tokens.push(`--${spec.name}`, val);
  }
  return { tokens, errors, intAt };
}

/**
 * A commander option kept under its spec's key, so synonyms fill one value;
 * `--no-x` is an option of its own here, not commander's negation of `--x`.
 */
class SpecOption extends Option {
  constructor(readonly spec: OptSpec) {
    super(`--${spec.name}${spec.type === 'flag' ? '' : ' <value>'}`);
    this.negate = false;
  }

  override attributeName(): string {
    return this.spec.key;
  }
}

/**
 * A commander Command with one option per declared name. It never prints or
 * exits, and has no help or version options of its own (-h and -V are
 * declared options). `int` parses an int option's value.
 */
function optionsCommand(specs: readonly OptSpec[], int: (spec: OptSpec, val: string, prev: number | undefined) => number | undefined): Command {
  const cmd = new Command()
    .helpOption(false)
    .allowExcessArguments()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const s of specs) {
    const o = new SpecOption(s);
    if (s.type === 'int') o.argParser((val: string, prev: number | undefined) => int(s, val, prev));
    cmd.addOption(o);
  }
  return cmd;
}

/** argv parsed as psad 2.4.6's Getopt::Long parses it: the values by key, the other arguments, and the messages. */
export function getopt(argv: readonly string[], specs: readonly OptSpec[]): ParsedArgs {
  const { tokens, errors, intAt } = normalise(argv, specs);
  // a bad number is noted and the previous value kept, not thrown: Getopt::Long
  // reports every bad argument, where commander would stop at the first; the
  // n-th call is the n-th int option, as commander takes the tokens in order
  let intsSeen = 0;
  const cmd = optionsCommand(specs, (spec, val, prev) => {
    const at = intAt[intsSeen++];
    if (INT_RE.test(val)) return Number(val);
    errors.push({ at, text: `Value "${val}" invalid for option ${spec.name} (number expected)` });
    return prev;
  });
  cmd.parse(tokens, { from: 'user' });
  const intKeys = new Set(specs.filter((s) => s.type === 'int').map((s) => s.key));
  // an int option whose every value was refused stays unset (commander stores '' for it)
  const values = new Map(Object.entries(cmd.opts()).filter(([k, v]) => !(intKeys.has(k) && typeof v !== 'number')));
  return { values, rest: cmd.args, errors: errors.sort((a, b) => a.at - b.at).map((e) => e.text) };
}
