import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as a JSON Schema 2020-12 object (OpenAPI 3.1's dialect). Named schemas (`.meta({ id })`) and
 * recursive ones come out as `$defs`; they move to `components.schemas` and their refs are rewritten, since a
 * `#/...` ref in an OpenAPI document points at the document's root.
 */
export function toOpenApiSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, $defs, ...rest } = converted;
  const renamed = new Map<string, string>();
  for (const name of Object.keys(($defs ?? {}) as JsonSchema)) {
    // zod names anonymous recursive schemas __schema0, __schema1 ...: unique per conversion only.
    renamed.set(name, name.startsWith('__') ? `Schema${Object.keys(components).length + renamed.size}` : name);
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')) {
          const name = inner.slice('#/$defs/'.length);
          return [key, `#/components/schemas/${renamed.get(name) ?? name}`];
        }
        return [key, key === 'id' && typeof inner === 'string' ? undefined : rewrite(inner)];
      }).filter(([, inner]) => inner !== undefined),
    );
  };
  for (const [name, def] of Object.entries(($defs ?? {}) as JsonSchema)) {
    components[renamed.get(name) as string] = rewrite(def) as JsonSchema;
  }
  return rewrite(rest) as JsonSchema;
}
