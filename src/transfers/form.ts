import { z, type ZodError } from 'zod';
import type { Services } from '../services.js';
import { open, secretKey } from '../connections/index.js';
import { Endpoints, SourceRequest, TargetRequest } from './model.js';
import { listTransfers } from './store.js';

/**
 * The transfer form of /transfers: the same request as `POST /api/v1/transfers`, typed into fields. A kind of end is
 * its schema (an option of SourceRequest or TargetRequest) plus one partial, views/partials/transfers/<end>-<kind>.ejs;
 * a kind without its own partial gets text fields for its schema's properties. Field names: `source.kind`,
 * `source.<kind>.<field>`, `source.<kind>.endpoint` (DMS's own, a typed URL, or one sealed on an earlier transfer).
 */
export type End = 'source' | 'target';
export type FormValues = Record<string, string | string[] | undefined>;

const UNIONS = { source: SourceRequest, target: TargetRequest } as const;

/** A property of an end's schema as a form field; `min` and `max`: a number's bounds. */
export interface FieldSpec { key: string; type: string; required: boolean; choices?: string[]; default?: string; min?: number; max?: number }
export interface KindSpec { kind: string; fields: FieldSpec[]; endpoint: boolean; schemes: string[] }

/** Which URLs an end of a kind takes, by the kind's family (its name's first word). */
const SCHEMES: Record<string, string[]> = { redis: ['redis:', 'rediss:'], rabbitmq: ['amqp:', 'amqps:'], couch: ['http:', 'https:'] };

function kindSpec(option: z.ZodObject): KindSpec {
  const json = z.toJSONSchema(option, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, { type?: string; enum?: string[]; const?: string; default?: unknown; minimum?: number; maximum?: number }>;
    required?: string[];
  };
  const kind = String(json.properties.kind?.const);
  const fields = Object.entries(json.properties).filter(([key]) => key !== 'kind' && key !== 'url').map(([key, p]) => ({
    key, type: p.type ?? 'string', required: (json.required ?? []).includes(key), ...(p.enum ? { choices: p.enum } : {}),
    ...(p.default !== undefined && p.default !== '' ? { default: String(p.default) } : {}),
    ...(p.minimum !== undefined ? { min: p.minimum } : {}), ...(p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER ? { max: p.maximum } : {}),
  }));
  return { kind, fields, endpoint: 'url' in json.properties, schemes: SCHEMES[kind.split('-')[0]] ?? [] };
}

/** Every kind of source and of target the API takes, with its fields. */
export function endKinds(): Record<End, KindSpec[]> {
  const specs = (end: End) => UNIONS[end].options.map((o) => kindSpec(o as unknown as z.ZodObject));
  return { source: specs('source'), target: specs('target') };
}

/** An endpoint a transfer saved (sealed), offered again without its password: `ref` is `<transfer id>:<end>`. */
export interface KnownEndpoint { ref: string; label: string; scheme: string }

const withoutPassword = (url: URL): string => {
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return shown.href.replace(/\/$/, '');
};

/** The distinct endpoints of the latest transfers, opened from their sealed boxes (the page shows them masked). */
export async function knownEndpoints(services: Services): Promise<KnownEndpoint[]> {
  const seen = new Map<string, KnownEndpoint>();
  for (const doc of await listTransfers(services.store, 100)) {
    const urls = Endpoints.parse(JSON.parse(open(secretKey(services.config), doc.endpoints, doc._id)));
    for (const end of ['source', 'target'] as const) {
      const text = urls[end];
      if (!text || seen.has(text)) continue;
      const url = new URL(text);
      seen.set(text, { ref: `${doc._id.replace(/^transfer:/, '')}:${end}`, label: `${withoutPassword(url)} (${doc.name})`, scheme: url.protocol });
    }
  }
  return [...seen.values()];
}

async function endpointUrl(services: Services, ref: string): Promise<string | undefined> {
  const [id, end] = ref.split(':');
  const doc = (await listTransfers(services.store, 100)).find((d) => d._id === `transfer:${id}`);
  if (!doc || (end !== 'source' && end !== 'target')) return undefined;
  return Endpoints.parse(JSON.parse(open(secretKey(services.config), doc.endpoints, doc._id)))[end];
}

const text = (value: FormValues[string]): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();

async function endOf(services: Services, form: FormValues, end: End, specs: KindSpec[]): Promise<Record<string, unknown>> {
  const kind = text(form[`${end}.kind`]);
  const spec = specs.find((s) => s.kind === kind);
  if (!spec) return { kind };
  const prefix = `${end}.${kind}.`;
  const request: Record<string, unknown> = { kind };
  for (const field of spec.fields) {
    const value = text(form[prefix + field.key]);
    if (value === '') continue;
    request[field.key] = field.type === 'integer' || field.type === 'number' ? Number(value)
      : field.type === 'boolean' ? value !== 'false'
      : field.type === 'array' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '')
      : value;
  }
  if (!spec.endpoint) return request;
  const choice = text(form[`${prefix}endpoint`]);
  // A typed URL; one sealed on an earlier transfer (unknown: left empty, so the request says "url" is missing); DMS's own.
  if (choice === 'url') request.url = text(form[`${prefix}url`]);
  else if (choice !== '') request.url = (await endpointUrl(services, choice)) ?? '';
  return request;
}

/** The form as the API's request body (checked by the same TransferRequest schema when the transfer is created). */
export async function transferRequestOfForm(services: Services, form: FormValues): Promise<Record<string, unknown>> {
  const specs = endKinds();
  const pipelineText = text(form.pipeline);
  let pipeline: unknown = [];
  try {
    pipeline = pipelineText === '' ? [] : JSON.parse(pipelineText);
  } catch {
    pipeline = pipelineText;
  }
  const number = (key: string) => (text(form[key]) === '' ? undefined : Number(text(form[key])));
  return {
    name: text(form.name) || undefined,
    source: await endOf(services, form, 'source', specs.source),
    target: await endOf(services, form, 'target', specs.target),
    pipeline,
    batchSize: number('batchSize'),
    bound: number('bound'),
    mode: text(form.mode) || undefined,
  };
}

/**
 * The schema's complaints by the form field they belong to (`source.redis-stream.stream`, `batchSize`, ...); a field
 * left empty gets `required` (the page's words) rather than zod's "expected string, received undefined".
 */
export function fieldErrors(error: ZodError, form: FormValues, required: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const [first, second] = issue.path.map(String);
    let field = first ?? 'form';
    if (first === 'source' || first === 'target') {
      const kind = text(form[`${first}.kind`]);
      field = second === undefined || second === 'kind' ? `${first}.kind` : `${first}.${kind}.${second === 'url' ? 'endpoint' : second}`;
    }
    const where = first === 'pipeline' && issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
    const missing = issue.code === 'invalid_type' && text(form[field]) === '';
    errors[field] ??= `${where}${missing ? required : issue.message}`;
  }
  return errors;
}
