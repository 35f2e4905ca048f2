import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { firstCodeRow } from '../../codes/venue-code.service';
import { VenueCodeEntity } from '../../codes/venue-code.entity';
import { queryRows } from '../../db/sql';
import { VenueEntity } from '../venue.entity';
import { newVenueRow, type VenueRegistration } from '../venue.service';
import { CsvRecords, UnclosedQuoteError, type CsvRecord } from './csv-records';
import { ImportFileError, type RowReason } from './import-reasons';
import {
  isBlankRecord,
  judgeRow,
  readHeader,
  type ImportHeader,
  type RowContext,
  type RowProblem,
} from './import-rows';

/** Rows one file may hold: the size the README measures (bench/import.ts); split larger lists. */
export const MAX_IMPORT_ROWS = 50_000;
/** The benchmark's 50,000 rows take 7.8 MB: room for long Vietnamese names and addresses. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Problems listed in an answer; past this the counts stay exact and `truncated` says so. */
export const MAX_LISTED_PROBLEMS = 5_000;
/** Rows a statement inserts: 17 parameters a venue, well under PostgreSQL's 65,535. */
const INSERT_BATCH = 1_000;

export interface AcceptedRow {
  line: number;
  registration: VenueRegistration;
}

/** A file read and every row judged; nothing stored yet. */
export interface ImportReading {
  /** Rows below the header, blank ones left out. */
  rows: number;
  accepted: AcceptedRow[];
  problems: RowProblem[];
}

/** The door's answer (README "Importing venues"). */
export interface ImportAnswer {
  dryRun: boolean;
  rows: number;
  accepted: number;
  rejectedRows: number;
  registered: number;
  rejectedByReason: Partial<Record<RowReason, number>>;
  rejected: RowProblem[];
  truncated: boolean;
}

const duplicateKey = (r: VenueRegistration) => `${r.wardCode}\u0000${r.searchText}`;

/**
 * Reads a CSV file as it arrives (UTF-8, with or without a BOM) and judges each row as it is
 * complete, so the file is never held whole: only the accepted rows, checked and normalised.
 * A file refused as a whole (ImportFileError) is still read to its end, so that the
 * connection stays usable for the answer.
 */
export async function readImportFile(
  body: AsyncIterable<Buffer>,
  context: RowContext,
): Promise<ImportReading> {
  // fatal: a file saved in another encoding (Windows-1258, UTF-16) is refused, not misread
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const csv = new CsvRecords();
  const reading: ImportReading = { rows: 0, accepted: [], problems: [] };
  const firstLineOf = new Map<string, number>();
  let header: ImportHeader | undefined;
  let refusal: ImportFileError | undefined;
  let bytes = 0;

  const take = async (records: CsvRecord[]) => {
    for (const record of records) {
      if (isBlankRecord(record)) continue;
      if (!header) {
        header = readHeader(record);
        continue;
      }
      reading.rows += 1;
      if (reading.rows > MAX_IMPORT_ROWS) {
        throw new ImportFileError(
          'TOO_MANY_ROWS',
          `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} rows: split it into files of at most that many (by district, say).`,
        );
      }
      const judged = await judgeRow(header, record, context);
      if (!judged.ok) {
        reading.problems.push(...judged.problems);
        continue;
      }
      const key = duplicateKey(judged.registration);
      const first = firstLineOf.get(key);
      if (first !== undefined) {
        reading.problems.push({
          line: record.line,
          field: null,
          column: null,
          reason: 'DUPLICATE_IN_FILE',
          message: `The same venue (name and address in the same ward) as line ${first}: remove one of the two.`,
          duplicateOfLine: first,
        });
        continue;
      }
      firstLineOf.set(key, record.line);
      reading.accepted.push({ line: record.line, registration: judged.registration });
    }
  };
  /** The line of the first byte that is not UTF-8: the text before it, read leniently, says. */
  const notUtf8 = (chunk: Buffer) => {
    const before = new TextDecoder().decode(chunk).split('\uFFFD')[0];
    const line = csv.currentLine + (before.match(/\n/g)?.length ?? 0);
    return new ImportFileError(
      'NOT_UTF8',
      `The file is not UTF-8 text (line ${line} holds bytes UTF-8 does not have): save it as "CSV UTF-8 (Comma delimited)" in Excel, or with UTF-8 encoding elsewhere.`,
      { line },
    );
  };

  for await (const chunk of body) {
    bytes += chunk.length;
    if (refusal) continue;
    if (bytes > MAX_IMPORT_BYTES) {
      refusal = tooLarge();
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      refusal = notUtf8(chunk);
      continue;
    }
    try {
      await take(csv.push(text));
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      refusal = error;
    }
  }
  if (refusal) throw refusal;
  try {
    await take(csv.push(decoder.decode()));
  } catch (error) {
    if (error instanceof TypeError) throw notUtf8(Buffer.alloc(0));
    throw error;
  }
  try {
    await take(csv.end());
  } catch (error) {
    if (!(error instanceof UnclosedQuoteError)) throw error;
    throw new ImportFileError(
      'UNCLOSED_QUOTE',
      `Line ${error.line}: ${error.message}, so the rest of the file would be one value: close it, or double a quote that is part of the value ("").`,
      { line: error.line },
    );
  }
  if (!header)
    throw new ImportFileError(
      'EMPTY_FILE',
      'The file is empty: its first line must name the columns (name, address, category, wardCode, registrantName, registrantPhone, …).',
    );
  if (reading.rows === 0)
    throw new ImportFileError('NO_ROWS', 'The file has a header line and no venues below it.', {
      line: 1,
    });
  return reading;
}

export function tooLarge(): ImportFileError {
  return new ImportFileError(
    'TOO_LARGE',
    `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files.`,
  );
}

/**
 * Moves the accepted rows that an open venue of the same ward already has (the same name and
 * address, as search folds them) to the problems: a file sent again, after a commit whose
 * answer was lost say, registers nothing twice.
 */
export async function setAsideRegistered(em: EntityManager, reading: ImportReading): Promise<void> {
  const wards = new Set<string>();
  const texts = new Set<string>();
  for (const { registration } of reading.accepted) {
    wards.add(registration.wardCode);
    texts.add(registration.searchText);
  }
  // one statement with two arrays: em.find's $in of 50,000 names took 3 s on an empty table
  // and minutes on 200,000 venues, this takes ~0.5 s (README "Importing venues")
  const found = await queryRows<{ wardCode: string; searchText: string }>(
    em,
    `select ward_code as "wardCode", search_text as "searchText" from venue
     where ward_code = any($1::text[]) and search_text = any($2::text[]) and status <> 'CLOSED'`,
    [[...wards], [...texts]],
  );
  const registered = new Set(found.map((v) => `${v.wardCode}\u0000${v.searchText}`));
  if (registered.size === 0) return;
  const accepted: AcceptedRow[] = [];
  for (const row of reading.accepted) {
    if (!registered.has(duplicateKey(row.registration))) {
      accepted.push(row);
      continue;
    }
    reading.problems.push({
      line: row.line,
      field: null,
      column: null,
      reason: 'ALREADY_REGISTERED',
      message: `${row.registration.name}, ${row.registration.address} is already registered in this ward: it is not registered again.`,
    });
  }
  reading.accepted = accepted;
}

/**
 * Registers the accepted rows in one transaction, each venue with its first code version as
 * registerVenue makes them (newVenueRow, firstCodeRow), in multi-row inserts: 2.8–4.8× as fast as
 * em.create and flush on 50,000 venues, and within 1.2× of PostgreSQL's own unnest insert, whose
 * pace the venue table's indexes set (bench/venue-import.ts). Imports take turns (a
 * transaction-scoped advisory lock), so that two sendings of one file cannot both find its venues
 * new. Every statement is one batch of at most INSERT_BATCH rows (~0.1 s), far inside the
 * statement timeout, so an import needs no timeout of its own; waiting for another import's turn
 * counts against it, and past it the answer is QUERY_TIMEOUT, to be sent again.
 */
export async function registerImport(
  em: EntityManager,
  reading: ImportReading,
  codeKeyId: string,
  now: Date,
): Promise<number> {
  return em.transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtext('quetma.venue-import'))`);
    await setAsideRegistered(tx, reading);
    const rows = reading.accepted;
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH).map(({ registration }) => ({
        venue: newVenueRow(registration, randomUUID(), now),
        registeredAt: registration.registeredAt,
      }));
      await tx.insertMany(
        VenueEntity,
        batch.map((b) => b.venue),
      );
      await tx.insertMany(
        VenueCodeEntity,
        batch.map((b) => ({ ...firstCodeRow(codeKeyId, b.registeredAt), venue: b.venue.id })),
      );
    }
    return rows.length;
  });
}

/** The answer: counts, and the problems in the file's order (a row's in its columns' order). */
export function importAnswer(
  reading: ImportReading,
  dryRun: boolean,
  registered: number,
): ImportAnswer {
  const problems = [...reading.problems].sort((a, b) => a.line - b.line);
  const rejectedByReason: Partial<Record<RowReason, number>> = {};
  for (const p of problems) rejectedByReason[p.reason] = (rejectedByReason[p.reason] ?? 0) + 1;
  return {
    dryRun,
    rows: reading.rows,
    accepted: reading.accepted.length,
    rejectedRows: new Set(problems.map((p) => p.line)).size,
    registered,
    rejectedByReason,
    rejected: problems.slice(0, MAX_LISTED_PROBLEMS),
    truncated: problems.length > MAX_LISTED_PROBLEMS,
  };
}
