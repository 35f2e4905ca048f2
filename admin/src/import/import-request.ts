import { ApiError, authorizedFetch } from '../api/graphql-request';

export interface RejectedRow {
  line: number;
  field?: string;
  /** The file's own header for the field, when the answer gives it. */
  column?: string;
  value?: string;
  reason: string;
  message: string;
  duplicateOfLine?: number;
}

/** POST /api/venues/import's answer (README "Importing venues from CSV"). */
export interface ImportReport {
  dryRun: boolean;
  rows: number;
  accepted: number;
  rejectedRows: number;
  registered: number;
  rejected: RejectedRow[];
  truncated: boolean;
}

/** A file refused as a whole: its reason, with the line or columns it names. */
export class ImportRefused extends ApiError {
  constructor(
    message: string,
    code: string,
    status: number,
    readonly reason?: string,
    readonly line?: number,
    readonly columns?: string[],
  ) {
    super(message, code, status);
  }
}

/** Sends the file as it is: the server reads it as it arrives, whatever its size. */
export async function sendImport(file: File, dryRun: boolean): Promise<ImportReport> {
  const res = await authorizedFetch(`/api/venues/import?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=utf-8', accept: 'application/json' },
    body: file,
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = body?.errors?.[0];
    const ext = error?.extensions ?? {};
    throw new ImportRefused(
      error?.message ?? `HTTP ${res.status}`,
      ext.code ?? 'INTERNAL_SERVER_ERROR',
      res.status,
      ext.reason,
      ext.line,
      ext.columns,
    );
  }
  return body as ImportReport;
}
