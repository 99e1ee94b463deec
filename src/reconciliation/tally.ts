import type { Services } from '../services.js';
import { csvLine } from '../salesforce/index.js';
import type { FieldVerdict } from './compare.js';
import { emptyCounts, type FieldTally, type RecordOutcome, type ReconciliationCounts } from './model.js';
import { putPiece } from './store.js';
import { compressStoredSync } from '../blobs/index.js';

/** Examples kept per field and kind, each value cut to this length: the summary document stays small. */
const EXAMPLES = 3;
const EXAMPLE_CHARS = 120;
/** Raw CSV text per compressed piece: even incompressible text stays far under Cloudant's 10 MB attachment and request. */
const PIECE_BYTES = 4_000_000;

export interface ComparedField { field: string; verdict: FieldVerdict; sent: string; stored: string }

/** What a record's comparison gives the tally: where it was, how it ended, each field's verdict. */
export interface RecordResult {
  row: number;
  id: string;
  outcome: RecordOutcome;
  fields: ComparedField[];
  audit?: { lastModifiedDate: string; lastModifiedById: string };
}

const cut = (text: string) => (text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS)}…` : text);

/** Differences and normalisations by field and kind, with a few examples each. */
class FieldTallies {
  private readonly byKey = new Map<string, FieldTally>();

  add(row: number, id: string, f: ComparedField, kind: string): void {
    const key = `${f.field}\u0000${kind}`;
    let entry = this.byKey.get(key);
    if (!entry) this.byKey.set(key, (entry = { field: f.field, kind, count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push({ row, id, sent: cut(f.sent), stored: cut(f.stored) });
  }

  list(): FieldTally[] {
    return [...this.byKey.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
  }
}

/**
 * Counts every written record's outcome and writes the lines of the differences file: one per differing field
 * (of a differing or changed-since record) and one per missing record, stored as compressed pieces as they fill.
 */
export class ReconciliationTally {
  readonly counts: ReconciliationCounts = emptyCounts();
  readonly differences = new FieldTallies();
  readonly normalisations = new FieldTallies();
  readonly pieces: { name: string; lines: number }[] = [];
  private lines: string[] = [];
  private bytes = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly services: Services, private readonly migrationId: string) {}

  add(result: RecordResult): void {
    this.counts.written++;
    this.counts[result.outcome]++;
    const audit = [result.audit?.lastModifiedDate ?? '', result.audit?.lastModifiedById ?? ''];
    if (result.outcome === 'missing') this.line([result.row, result.id, 'missing', '', '', '', '', ...audit]);
    for (const f of result.fields) {
      const { verdict } = f.verdict;
      if (verdict === 'normalised' && result.outcome !== 'changedSince') this.normalisations.add(result.row, result.id, f, f.verdict.kind);
      if (verdict !== 'differs' && verdict !== 'emptied') continue;
      if (result.outcome === 'differing') this.differences.add(result.row, result.id, f, verdict);
      this.line([result.row, result.id, result.outcome, f.field, verdict, f.sent, f.stored, ...audit]);
    }
  }

  /** Stores the last piece and waits for every piece. */
  async end(): Promise<void> {
    this.flush();
    await this.writing;
  }

  private line(cells: (string | number)[]): void {
    const text = csvLine(cells);
    this.lines.push(text);
    this.bytes += text.length;
    if (this.bytes >= PIECE_BYTES) this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    const n = this.pieces.length;
    const data = compressStoredSync(Buffer.from(this.lines.join('')));
    this.pieces.push({ name: String(n), lines: this.lines.length });
    this.lines = [];
    this.bytes = 0;
    this.writing = this.writing.then(() => putPiece(this.services, this.migrationId, n, data));
  }
}
