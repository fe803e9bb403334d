/**
 * A spec, board or energy-table file may name its JSON Schema (schemas/) with a
 * top-level "$schema" key, for editors. The loaders drop it before validating.
 */
export function withoutSchemaKey(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('$schema' in raw)) return raw;
  const { $schema: _ignored, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/** JSON text without a leading byte-order mark (some Windows editors write one; JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A JSON syntax error with where it is (1-based line and column) and what was expected there. */
export interface JsonSyntaxError {
  line: number;
  column: number;
  problem: string;
}

/**
 * Find the first syntax error of a text JSON.parse refused: where it is and
 * what the grammar expected (Node's own message gives a character offset at
 * best, and some versions none).
 */
export function locateJsonError(text: string): JsonSyntaxError {
  let i = 0;
  class Stop extends Error {}
  let problem = '';
  const found = () => (i >= text.length ? 'the end of the text' : JSON.stringify(text[i]));
  const fail = (expected: string): never => {
    problem = `expected ${expected}, found ${found()}`;
    throw new Stop();
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = () => {
    if (text[i] !== '"') fail('a double-quoted string');
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing double quote');
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') fail('no control character inside a string');
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || !m[0] || m[0] === '-') fail('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a double-quoted property name');
        string();
        ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    number();
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('the end of the text after the value');
    problem = 'not valid JSON';
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, problem };
}

/** JSON.parse with a syntax error said as "line L, column C: expected ..., found ...". */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const at = locateJsonError(text);
    return { ok: false, error: `line ${at.line}, column ${at.column}: ${at.problem}` };
  }
}
