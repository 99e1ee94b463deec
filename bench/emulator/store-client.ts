// HTTP client side of the record-store benchmark: login, Bulk 2.0 insert jobs of generated Accounts and Contacts,
// and timed REST calls, all as a client of the Local org would make them.
const INDUSTRIES = ['Banking', 'Energy', 'Retail', 'Technology', 'Healthcare', 'Shipping', 'Media', 'Other'];
const CITIES = ['Berlin', 'Paris', 'London', 'New York', 'São Paulo', 'Tokyo', 'Zürich', 'Lagos'];
const LEVELS = ['Primary', 'Secondary', 'Tertiary'];

/** Account rows [from, to): 8 fields (Name, External_Id__c, Phone, Website, Industry, AnnualRevenue, employees, city). */
export function accountCsv(from: number, to: number): string {
  const lines = ['Name,External_Id__c,Phone,Website,Industry,AnnualRevenue,NumberOfEmployees,BillingCity'];
  for (let i = from; i < to; i++) {
    lines.push(`Company ${i},EXT-${i},+1 555 ${String(i % 10_000).padStart(4, '0')},https://c${i}.example.com,`
      + `${INDUSTRIES[i % 8]},${(i * 37) % 1_000_000}.50,${i % 5000},${CITIES[i % 8]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Contact rows [from, to): 9 fields. */
export function contactCsv(from: number, to: number): string {
  const lines = ['FirstName,LastName,External_Id__c,Email,Phone,Title,MailingCity,Level__c,DoNotCall'];
  for (let i = from; i < to; i++) {
    lines.push(`Ann${i % 1000},Smith${i},CEXT-${i},ann.smith${i}@example.com,+44 20 ${String(i % 10_000).padStart(4, '0')},`
      + `Buyer ${i % 50},${CITIES[i % 8]},${LEVELS[i % 3]},${i % 2 === 0}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * fetch, tried once more when the org closed a kept-alive socket just as the request went out (undici's
 * "other side closed", or EPIPE while the body was sent) under heavy load: no answer came, and the org drops a cut
 * upload; a GET also after a reset connection (reading twice changes nothing).
 */
async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const resent = code === 'UND_ERR_SOCKET' || code === 'EPIPE' || (code === 'ECONNRESET' && (init.method ?? 'GET') === 'GET');
    if (!resent) throw error;
    return fetch(url, init);
  }
}

export class OrgClient {
  private constructor(readonly url: string, private readonly token: string) {}

  static async login(url: string): Promise<OrgClient> {
    const body = new URLSearchParams({
      grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password',
    });
    const res = await fetch(`${url}/services/oauth2/token`, { method: 'POST', body });
    const { access_token: token } = (await res.json()) as { access_token: string };
    return new OrgClient(url, token);
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers = { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' };
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const res = await fetchRetrying(`${this.url}/services/data/v62.0${path}`, init);
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Milliseconds one call takes. */
  async timed(method: string, path: string, body?: unknown): Promise<{ ms: number; json: Record<string, unknown> }> {
    const started = performance.now();
    const { json } = await this.call(method, path, body);
    return { ms: performance.now() - started, json };
  }

  query(soql: string): Promise<{ ms: number; json: Record<string, unknown> }> {
    return this.timed('GET', `/query?q=${encodeURIComponent(soql)}`);
  }

  /** Follows a REST query's nextRecordsUrl for `pages` pages after the first; milliseconds of each page. */
  async queryPages(soql: string, pages: number): Promise<{ firstMs: number; nextMs: number[]; totalSize: number }> {
    const first = await this.query(soql);
    const nextMs: number[] = [];
    let next = first.json.nextRecordsUrl as string | undefined;
    for (let i = 0; i < pages && next; i++) {
      const started = performance.now();
      const res = await fetchRetrying(`${this.url}${next}`, { headers: { Authorization: `Bearer ${this.token}` } });
      const page = (await res.json()) as { nextRecordsUrl?: string };
      nextMs.push(performance.now() - started);
      next = page.nextRecordsUrl;
    }
    return { firstMs: first.ms, nextMs, totalSize: Number(first.json.totalSize) };
  }

  /** A Bulk 2.0 query job read to its last results page (Sforce-Locator `null`); rows and rows/s from creation. */
  async bulkQuery(soql: string): Promise<{ rows: number; rowsPerSecond: number }> {
    const started = performance.now();
    const { json: job } = await this.call('POST', '/jobs/query', { operation: 'query', query: soql });
    const path = `/jobs/query/${String(job.id)}`;
    while ((await this.call('GET', path)).json.state !== 'JobComplete') await new Promise((resolve) => setTimeout(resolve, 50));
    let rows = 0;
    let locator = '';
    do {
      const res = await fetchRetrying(`${this.url}/services/data/v62.0${path}/results${locator ? `?locator=${locator}` : ''}`, {
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/csv' },
      });
      await res.arrayBuffer();
      rows += Number(res.headers.get('sforce-numberofrecords'));
      locator = res.headers.get('sforce-locator') ?? 'null';
    } while (locator !== 'null');
    await this.call('DELETE', path);
    return { rows, rowsPerSecond: rows / ((performance.now() - started) / 1000) };
  }

  /**
   * One Bulk 2.0 job (insert, or upsert by `externalIdFieldName`) with `csv` as its one upload; returns processing
   * rows/s (UploadComplete -> JobComplete).
   */
  async bulkLoad(object: string, csv: string, rows: number, externalIdFieldName?: string): Promise<number> {
    const operation = externalIdFieldName ? 'upsert' : 'insert';
    const { json: job } = await this.call('POST', '/jobs/ingest', { object, operation, externalIdFieldName });
    const put = await fetchRetrying(`${this.url}/services/data/v62.0/jobs/ingest/${String(job.id)}/batches`, {
      method: 'PUT', headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'text/csv' }, body: csv,
    });
    if (put.status !== 201) throw new Error(`upload answered ${put.status}`);
    const started = performance.now();
    await this.call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    for (;;) {
      const { json: info } = await this.call('GET', `/jobs/ingest/${String(job.id)}`);
      if (info.state === 'JobComplete' || info.state === 'Failed') {
        if (info.numberRecordsProcessed !== rows || info.numberRecordsFailed !== 0) {
          throw new Error(`job ${String(job.id)}: ${String(info.state)}, ${String(info.numberRecordsProcessed)} processed, ${String(info.numberRecordsFailed)} failed`);
        }
        const rate = rows / ((performance.now() - started) / 1000);
        // A finished job keeps its upload and per-row results until deleted, as a client that took its results does.
        await this.call('DELETE', `/jobs/ingest/${String(job.id)}`);
        return rate;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
