import { applyPipeline, frameFromRecords, frameToRecords, type Pipeline, type PipelineContext, type Value } from '../frame/index.js';
import type { RowMessage } from '../row-messages/index.js';
import type { SourceEntry, TransferTarget } from './ends.js';
import type { TransferRecord } from './model.js';

/** A record refused by the pipeline or the target, with why; `i18n`: the reason by its catalogue key when DMS's pipeline wrote it. */
export interface Refused { entry: SourceEntry; code: string; reason: string; i18n?: RowMessage }

export interface MovedBatch { written: number; skipped: number; refused: Refused[] }

/** A pipeline value as a target takes it: dates as ISO text. */
const plain = (value: Value): TransferRecord[string] => (value instanceof Date ? value.toISOString() : value);

function plainRecord(record: Record<string, Value>): TransferRecord {
  const out: TransferRecord = {};
  for (const [key, value] of Object.entries(record)) out[key] = plain(value);
  return out;
}

/** The records the pipeline lets through, each with the entry it came from; the others refused or skipped. */
async function throughPipeline(
  entries: SourceEntry[], pipeline: Pipeline, context: PipelineContext,
): Promise<{ records: TransferRecord[]; from: SourceEntry[]; refused: Refused[]; skipped: number }> {
  if (pipeline.length === 0) return { records: entries.map((e) => e.record), from: entries, refused: [], skipped: 0 };
  const result = await applyPipeline(frameFromRecords(entries.map((e) => e.record)), pipeline, context);
  const refusedRows = new Map<number, Refused>();
  for (const issue of result.rowIssues) {
    if (issue.remark || refusedRows.has(issue.row)) continue;
    const refused = { entry: entries[issue.row - 1], code: issue.code, reason: `${issue.column}: ${issue.message}` };
    refusedRows.set(issue.row, issue.i18n ? { ...refused, i18n: { ...issue.i18n, column: issue.column } } : refused);
  }
  const records: TransferRecord[] = [];
  const from: SourceEntry[] = [];
  frameToRecords(result.frame).forEach((record, r) => {
    const row = result.frame.rows[r];
    if (refusedRows.has(row)) return;
    records.push(plainRecord(record));
    from.push(entries[row - 1]);
  });
  return { records, from, refused: [...refusedRows.values()], skipped: result.skipped.length };
}

/**
 * One batch through the pipeline into the target. Returns once the target confirmed what it wrote; a failure of
 * the whole write throws (nothing of the batch may then be acknowledged in the source).
 */
export async function moveBatch(
  entries: SourceEntry[], pipeline: Pipeline, context: PipelineContext, target: TransferTarget,
): Promise<MovedBatch> {
  const passed = await throughPipeline(entries, pipeline, context);
  const outcomes = passed.records.length > 0 ? await target.write(passed.records) : [];
  const refused = [...passed.refused];
  let written = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.ok) written++;
    else refused.push({ entry: passed.from[i], code: outcome.code, reason: outcome.reason });
  });
  return { written, skipped: passed.skipped, refused };
}
