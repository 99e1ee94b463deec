import { appendFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '../persistence.js';
import { join } from 'node:path';
import { IngestJob, RESULT_KINDS, SavedIngestJob, type ResultKind } from './ingest-job.js';
import type { RecordsStore } from '../data/records-store.js';

const JOB_FILE = 'job.json';

/** Result lines gathered between event-loop yields, then appended to the job's result files in one write each. */
export class ResultLines {
  private readonly pending = new Map<ResultKind, string[]>(RESULT_KINDS.map((kind) => [kind, []]));

  constructor(private readonly job: IngestJob, private readonly eol: string) {}

  add(kind: ResultKind, line: string): void {
    this.pending.get(kind)!.push(line);
  }

  async flush(): Promise<void> {
    for (const [kind, lines] of this.pending) {
      if (lines.length === 0 || this.job.deleted) continue;
      const text = lines.join(this.eol) + this.eol;
      lines.length = 0;
      await appendFile(this.job.resultPath(kind), text);
    }
  }
}

/** Writes job.json through a temp file and a rename, so a reader (or a restart) never sees half of it. */
export async function saveJobFile(job: IngestJob): Promise<void> {
  await mkdir(job.dir, { recursive: true });
  await writeJsonAtomic(join(job.dir, JOB_FILE), job.saved());
}

export function removeJobFiles(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The ingest jobs saved under `root` (one folder each); a folder without a readable job.json is left out. */
export async function loadJobFiles(root: string, store: RecordsStore): Promise<IngestJob[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const jobs: IngestJob[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const text = await readFile(join(dir, JOB_FILE), 'utf8').catch(() => null);
    const parsed = text === null ? undefined : SavedIngestJob.safeParse(parseJson(text));
    const table = parsed?.success ? store.table(parsed.data.spec.object) : undefined;
    if (parsed?.success && table) jobs.push(IngestJob.restore(parsed.data, table, dir));
  }
  return jobs.sort((a, b) => a.createdAt - b.createdAt);
}
