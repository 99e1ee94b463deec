import type { Store } from '../../store/index.js';
import { chunkOfRow, getDataset, readChunk, type Chunk } from '../../datasets/index.js';
import { AppError } from '../../errors.js';
import type { SourceBatch, SourceEntry, TransferSource } from '../ends.js';
import type { TransferRecord } from '../model.js';

/**
 * A ready DMS dataset read row by row in chunk order; the position is the number of rows moved, so a resumed
 * transfer starts after the last confirmed batch. A dataset never empties: its transfer ends at its last row.
 */
export class DatasetSource implements TransferSource {
  private chunk: (Chunk & { index: number }) | undefined;

  private constructor(
    private readonly store: Store, private readonly datasetId: string, private readonly chunkCount: number,
    private readonly rowCount: number, private done: number, private readonly firstIndex: number,
  ) {}

  static async open(store: Store, datasetId: string, position: string | undefined): Promise<DatasetSource> {
    const dataset = await getDataset(store, datasetId);
    if (dataset.status !== 'ready') {
      throw new AppError('DATASET_NOT_READY', 409, `Dataset ${dataset.name} is ${dataset.status}: a transfer reads a ready dataset.`);
    }
    const done = Number(position ?? 0);
    // A resumed transfer starts at the chunk holding its next row, found from the chunks' documents: reading the
    // chunks before it would decode every row moved already (most of a large dataset near its end).
    const firstIndex = done > 0 ? ((await chunkOfRow(store, dataset, done + 1)) ?? 0) : 0;
    return new DatasetSource(store, datasetId, dataset.chunkCount, dataset.rowCount, done, firstIndex);
  }

  /** The chunk holding 1-based row `row`, read from the current one on. */
  private async chunkWith(row: number): Promise<(Chunk & { index: number }) | undefined> {
    let index = this.chunk?.index ?? this.firstIndex;
    for (; index < this.chunkCount; index++) {
      if (this.chunk?.index !== index) this.chunk = { ...(await readChunk(this.store, this.datasetId, index)), index };
      if (row < this.chunk.firstRow + this.chunk.rows.length) return this.chunk;
    }
    return undefined;
  }

  async read(max: number): Promise<SourceBatch> {
    const entries: SourceEntry[] = [];
    let row = this.done + 1;
    while (entries.length < max && row <= this.rowCount) {
      const chunk = await this.chunkWith(row);
      if (!chunk) break;
      for (; entries.length < max && row < chunk.firstRow + chunk.rows.length; row++) {
        const values = chunk.rows[row - chunk.firstRow];
        const record: TransferRecord = {};
        chunk.columns.forEach((column, c) => {
          const value = values[c] ?? null;
          record[column] = value instanceof Date ? value.toISOString() : value;
        });
        entries.push({ key: String(row), record });
      }
    }
    return { entries, position: String(row - 1) };
  }

  async ack(batch: SourceBatch): Promise<void> {
    this.done = Number(batch.position ?? this.done);
  }

  async lag(): Promise<number> {
    return this.rowCount - this.done;
  }

  async close(): Promise<void> {}
}
