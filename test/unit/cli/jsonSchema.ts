/**
 * A small JSON Schema validator covering exactly the keywords docs/synscope.schema.json uses
 * ($ref to #/$defs, type, properties, required, additionalProperties, propertyNames, items,
 * enum, const, anyOf, pattern, minimum, maximum, exclusiveMinimum). Unknown keywords fail
 * loudly, so the schema cannot silently use something this does not check.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema', '$id', '$defs', 'title', 'description', '$ref', 'type', 'properties', 'required', 'additionalProperties',
  'propertyNames', 'items', 'enum', 'const', 'anyOf', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = root.$defs as Record<string, Schema> | undefined;
    if (!m || !defs?.[m[1]]) throw new Error(`unresolvable $ref ${ref}`);
    return defs[m[1]];
  };
  const walk = (s: Schema, v: unknown, path: string): boolean => {
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`schema keyword "${k}" not supported (at ${path})`);
    const before = errors.length;
    if (typeof s.$ref === 'string') walk(resolve(s.$ref), v, path);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(v, t))) errors.push(`${path}: expected ${types.join('|')}, got ${typeOf(v)}`);
    }
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => e === v)) errors.push(`${path}: ${JSON.stringify(v)} not in enum`);
    if (s.const !== undefined && s.const !== v) errors.push(`${path}: expected ${JSON.stringify(s.const)}`);
    if (s.anyOf !== undefined) {
      const ok = (s.anyOf as Schema[]).some((alt) => {
        const mark = errors.length;
        const good = walk(alt, v, path);
        errors.length = mark;
        return good;
      });
      if (!ok) errors.push(`${path}: matches none of anyOf`);
    }
    if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${path}: "${v}" does not match ${s.pattern}`);
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${path}: ${v} < ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${path}: ${v} > ${s.maximum}`);
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errors.push(`${path}: ${v} <= ${s.exclusiveMinimum}`);
    }
    if (Array.isArray(v) && s.items !== undefined) v.forEach((x, i) => walk(s.items as Schema, x, `${path}[${i}]`));
    if (typeOf(v) === 'object') {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in o)) errors.push(`${path}: missing "${r}"`);
      for (const [k, x] of Object.entries(o)) {
        if (s.propertyNames !== undefined) walk(s.propertyNames as Schema, k, `${path}{${k}}`);
        if (props[k]) walk(props[k], x, `${path}.${k}`);
        else if (s.additionalProperties === false) errors.push(`${path}: unexpected property "${k}"`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, x, `${path}.${k}`);
      }
    }
    return errors.length === before;
  };
  walk(root, value, '$');
  return errors;
}
