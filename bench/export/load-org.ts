// Fills a Local org with the bench accounts through Bulk API 2.0 ingest (the file streamed in one PUT), as a data load would.
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export async function orgToken(url: string): Promise<string> {
  const form = { grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password' };
  const res = await fetch(`${url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Inserts every row of `file` into Account; resolves with the number of records the org processed. */
export async function loadAccounts(url: string, file: string): Promise<number> {
  const token = await orgToken(url);
  const api = `${url}/services/data/v62.0/jobs/ingest`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const job = (await (await fetch(api, { method: 'POST', headers, body: JSON.stringify({ object: 'Account', operation: 'insert' }) })).json()) as { id: string };
  const put = await fetch(`${api}/${job.id}/batches`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: createReadStream(file) as never, duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new Error(`upload refused: ${put.status} ${await put.text()}`);
  await fetch(`${api}/${job.id}`, { method: 'PATCH', headers, body: JSON.stringify({ state: 'UploadComplete' }) });
  for (;;) {
    const info = (await (await fetch(`${api}/${job.id}`, { headers })).json()) as { state: string; numberRecordsProcessed: number; numberRecordsFailed: number };
    if (info.state === 'JobComplete') {
      if (info.numberRecordsFailed > 0) throw new Error(`${info.numberRecordsFailed} rows failed to load`);
      return info.numberRecordsProcessed;
    }
    if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`load job ended ${info.state}`);
    await sleep(200);
  }
}
