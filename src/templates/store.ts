import type { Store } from '../store/index.js';
import { documentSize, idRange, isMissing, withRetry, writeOnConflict } from '../store/index.js';
import { AppError, notFound } from '../errors.js';
import { TemplateDoc, TemplateInput, templateDocId } from './model.js';

/*
 * Templates live in the `templates` database with ids `template:<name>:<version, 6 digits>`, so
 * `_all_docs` key ranges give a name's versions in order without any index, and the newest one
 * with `descending` + `limit: 1`. A version is never changed: saving writes the next id.
 */
const db = (store: Store) => store.db<TemplateDoc>('templates');
const PREFIX = 'template:';

export interface TemplateSummary {
  name: string;
  latest: number;
  object: string;
  operation: string;
  createdAt: string;
  createdBy: string;
}

/** The documents whose ids start with `prefix`, in id order (or the reverse). */
async function range(store: Store, prefix: string, options: { descending?: boolean; limit?: number; docs?: boolean }) {
  const { start, end } = idRange(prefix);
  const [startkey, endkey] = options.descending ? [end, start] : [start, end];
  await store.client.authorize();
  return withRetry(() => db(store).list({
    startkey, endkey, descending: options.descending ?? false, limit: options.limit ?? 10_000, include_docs: options.docs ?? true,
  }));
}

/**
 * A stored template document by its id, as stored (a migration names the version it ran; documents of older
 * releases kept their versions in an array, so the caller reads what it needs), or undefined when it is gone.
 */
export async function findTemplateDoc(store: Store, id: string): Promise<Record<string, unknown> | undefined> {
  await store.client.authorize();
  try {
    return (await withRetry(() => db(store).get(id))) as unknown as Record<string, unknown>;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The newest version of `name`, or undefined when no version was ever saved. */
export async function findLatest(store: Store, name: string): Promise<TemplateDoc | undefined> {
  const result = await range(store, `${PREFIX}${name}:`, { descending: true, limit: 1 });
  const doc = result.rows[0]?.doc;
  return doc ? TemplateDoc.parse(doc) : undefined;
}

/** One version (or the newest when `version` is undefined); 404 when absent. */
export async function getTemplate(store: Store, name: string, version?: number): Promise<TemplateDoc> {
  if (version === undefined) {
    const latest = await findLatest(store, name);
    if (!latest) throw notFound(`Template '${name}'`);
    return latest;
  }
  await store.client.authorize();
  try {
    return TemplateDoc.parse(await withRetry(() => db(store).get(templateDocId(name, version))));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Version ${version} of template '${name}'`);
    throw error;
  }
}

/** Every version of `name`, oldest first. */
export async function listVersions(store: Store, name: string): Promise<TemplateDoc[]> {
  const result = await range(store, `${PREFIX}${name}:`, {});
  const docs = result.rows.flatMap((row) => (row.doc ? [TemplateDoc.parse(row.doc)] : []));
  if (docs.length === 0) throw notFound(`Template '${name}'`);
  return docs;
}

/** The newest version of every template, by name. */
export async function listTemplates(store: Store): Promise<TemplateSummary[]> {
  const ids = await range(store, PREFIX, { docs: false });
  const latestIds = new Map<string, string>();
  for (const row of ids.rows) latestIds.set(row.id.slice(PREFIX.length, row.id.lastIndexOf(':')), row.id);
  if (latestIds.size === 0) return [];
  await store.client.authorize();
  const docs = await withRetry(() => db(store).fetch({ keys: [...latestIds.values()] }));
  return docs.rows.flatMap((row) => {
    if (!('doc' in row) || !row.doc) return [];
    const doc = TemplateDoc.parse(row.doc);
    return [{ name: doc.name, latest: doc.version, object: doc.object, operation: doc.operation, createdAt: doc.createdAt, createdBy: doc.createdBy }];
  });
}

/**
 * Largest template, as stored (documentSize): its mapping and pipeline are copied into every validation and
 * migration that uses it, each one document of at most 1 MB on Cloudant, so a template keeps to a quarter of that.
 */
export const TEMPLATE_MAX_BYTES = 262_144;

/** Saves a new immutable version (1 for a new name); two concurrent saves get consecutive versions. */
export async function saveTemplate(store: Store, input: TemplateInput, createdBy: string): Promise<TemplateDoc> {
  const parsed = TemplateInput.parse(input);
  return writeOnConflict(async () => {
    const latest = await findLatest(store, parsed.name);
    const version = (latest?.version ?? 0) + 1;
    const doc: TemplateDoc = { ...parsed, _id: templateDocId(parsed.name, version), kind: 'template', version, createdBy, createdAt: new Date().toISOString() };
    const size = documentSize(doc);
    if (size > TEMPLATE_MAX_BYTES) {
      const message =
        `Template "${parsed.name}" takes ${size.toLocaleString('en-US')} bytes; a template may take at most ` +
        `${TEMPLATE_MAX_BYTES.toLocaleString('en-US')}, as every validation and migration that uses it keeps a copy. ` +
        'Shorten its value maps, or split it.';
      throw new AppError('TEMPLATE_TOO_LARGE', 413, message);
    }
    return doc;
  }, (doc) => db(store).insert(doc));
}

/** Deletes every version of `name` in one bulk request; 404 when none exists. Runs keep their own copy. */
export async function deleteTemplate(store: Store, name: string): Promise<number> {
  const versions = await listVersions(store, name);
  const tombstones = versions.map((v) => ({ _id: v._id, _rev: v._rev ?? '', _deleted: true }));
  await withRetry(() => db(store).bulk({ docs: tombstones as never[] }));
  return versions.length;
}
