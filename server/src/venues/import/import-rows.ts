import { validateSync } from 'class-validator';
import type { AreaDirectory } from '../../areas/area-directory';
import { doorScopeRefusal } from '../../auth/area-scope-enforcement';
import type { AreaScope } from '../../auth/identity';
import { INPUT_VALIDATION } from '../../graphql/schema';
import { isStorableText } from '../../protection/text-input';
import { checkRegistration, type VenueRegistration } from '../venue.service';
import { RegisterVenueInput } from '../venue.input';
import type { CsvRecord } from './csv-records';
import {
  fieldOfHeader,
  headersOf,
  IMPORT_COLUMNS,
  readCategory,
  readRegisteredAt,
  readYesNo,
  restoreLeadingZeros,
  type ImportField,
} from './import-columns';
import { ImportFileError, type RowReason } from './import-reasons';

export const IMPORT_DOOR = 'POST /api/venues/import';

/** One reason a row is rejected; `field` and `column` are null for the row as a whole. */
export interface RowProblem {
  line: number;
  field: ImportField | null;
  /** The header as the file writes it. */
  column: string | null;
  /** The value as the file gives it (cut at MAX_ECHOED_VALUE characters). */
  value?: string;
  reason: RowReason;
  message: string;
  duplicateOfLine?: number;
}

/** A value is echoed back to help find it, not to return a whole page of text. */
const MAX_ECHOED_VALUE = 200;

/** The file's columns: for each position, the field it holds (undefined: a column left blank). */
export interface ImportHeader {
  fields: (ImportField | undefined)[];
  names: string[];
}

/**
 * The header line: every column must be one the import knows (a typo would otherwise drop a
 * column silently), each once, and the required ones present. Blank headers, which spreadsheets
 * leave after the last column, are ignored with their values.
 */
export function readHeader(record: CsvRecord): ImportHeader {
  const names = record.fields.map((name) => name.normalize('NFC').trim());
  const fields = names.map((name) => (name ? fieldOfHeader(name) : undefined));
  const unknown = names.filter((name, i) => name && !fields[i]);
  if (unknown.length) {
    throw new ImportFileError(
      'UNKNOWN_COLUMNS',
      `The header names ${unknown.length === 1 ? 'a column' : 'columns'} the import does not know: ${unknown.map((n) => JSON.stringify(n)).join(', ')}. The columns are ${IMPORT_COLUMNS.map((c) => headersOf(c.en)).join(', ')}.`,
      { line: record.line, columns: unknown },
    );
  }
  const repeated = IMPORT_COLUMNS.filter((c) => fields.filter((f) => f === c.en).length > 1);
  if (repeated.length) {
    const columns = names.filter((_, i) => repeated.some((c) => c.en === fields[i]));
    throw new ImportFileError(
      'REPEATED_COLUMN',
      `The header names the same column more than once: ${columns.map((n) => JSON.stringify(n)).join(', ')}.`,
      { line: record.line, columns },
    );
  }
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !fields.includes(c.en));
  if (missing.length) {
    throw new ImportFileError(
      'MISSING_COLUMNS',
      `The header lacks ${missing.length === 1 ? 'a required column' : 'required columns'}: ${missing.map((c) => headersOf(c.en)).join(', ')}.`,
      { line: record.line, columns: missing.map((c) => c.en) },
    );
  }
  return { fields, names };
}

/** A record with no value at all (a blank line, or a spreadsheet's row of empty cells). */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((value) => value.trim() === '');
}

export interface RowContext {
  areas: AreaDirectory;
  now: Date;
  /** An officer's district or ward: rows of other wards are rejected. */
  scope: AreaScope | undefined;
}

export type JudgedRow =
  { ok: true; registration: VenueRegistration } | { ok: false; problems: RowProblem[] };

/**
 * A row judged as registerVenue judges its input: RegisterVenueInput's validation (the same
 * decorators, run by class-validator as type-graphql runs them), then checkRegistration, then
 * the door's area rule (DOOR_SCOPE). Every field at fault is reported, each once.
 */
export async function judgeRow(
  header: ImportHeader,
  record: CsvRecord,
  context: RowContext,
): Promise<JudgedRow> {
  const { line } = record;
  const width = header.fields.length;
  const extra = record.fields.slice(width);
  if (record.fields.length < width || extra.some((value) => value.trim() !== '')) {
    return {
      ok: false,
      problems: [
        {
          line,
          field: null,
          column: null,
          reason: 'WRONG_FIELD_COUNT',
          message: `The row has ${record.fields.length} values where the header has ${width} columns: a value holding a comma or a line break must be in double quotes.`,
        },
      ],
    };
  }

  const raw = new Map<ImportField, { column: string; value: string }>();
  header.fields.forEach((field, i) => {
    if (field)
      raw.set(field, { column: header.names[i], value: record.fields[i].normalize('NFC').trim() });
  });
  const problems: RowProblem[] = [];
  const failed = new Set<ImportField>();
  const problem = (field: ImportField, reason: RowReason, message: string) => {
    if (failed.has(field)) return;
    failed.add(field);
    const { column, value } = raw.get(field) ?? { column: field, value: '' };
    problems.push({
      line,
      field,
      column,
      value: value.length > MAX_ECHOED_VALUE ? `${value.slice(0, MAX_ECHOED_VALUE)}…` : value,
      reason,
      message: `${column}: ${message}`,
    });
  };
  const text = (field: ImportField) => raw.get(field)?.value ?? '';

  for (const column of IMPORT_COLUMNS) {
    const value = text(column.en);
    if (column.required && value === '')
      problem(column.en, 'REQUIRED', 'is empty: every row needs a value here');
    else if (!isStorableText(value))
      problem(
        column.en,
        'UNSTORABLE_TEXT',
        'contains a character that cannot be stored (a NUL byte): remove it',
      );
  }

  const input = Object.assign(new RegisterVenueInput(), {
    name: text('name'),
    address: text('address'),
    wardCode: restoreLeadingZeros('wardCode', text('wardCode')),
    registrantName: text('registrantName'),
    registrantPhone: restoreLeadingZeros('registrantPhone', text('registrantPhone')),
  });
  const category = readCategory(text('category'));
  if (category) input.category = category;
  else if (text('category'))
    problem(
      'category',
      'UNKNOWN_CATEGORY',
      'is not a category: write its code (RESTAURANT) or its name (Nhà hàng, quán ăn); the README lists them',
    );
  const headquarters = readYesNo(text('isAgencyHeadquarters'));
  if (headquarters === undefined)
    problem(
      'isAgencyHeadquarters',
      'INVALID_YES_NO',
      'must be yes or no (có/không, x or empty, 1/0, true/false)',
    );
  else input.isAgencyHeadquarters = headquarters;
  if (text('registeredAt')) {
    const registeredAt = readRegisteredAt(text('registeredAt'));
    if (registeredAt) input.registeredAt = registeredAt;
    else
      problem(
        'registeredAt',
        'INVALID_DATE',
        'must be a day (2021-08-09 or 09/08/2021) or an instant with its offset (2021-08-09T08:30:00+07:00)',
      );
  }

  for (const error of validateSync(input, INPUT_VALIDATION)) {
    const field = error.property as ImportField;
    for (const [constraint, message] of Object.entries(error.constraints ?? {}))
      problem(field, reasonOfConstraint(field, constraint), message);
  }
  if (problems.length) return { ok: false, problems };

  const checked = checkRegistration(context.areas, context.now, input);
  for (const p of checked.problems) problem(p.field, p.reason, p.message);
  if (!('registration' in checked)) return { ok: false, problems };

  const { registration } = checked;
  const outside = await doorScopeRefusal(
    IMPORT_DOOR,
    { wardCode: registration.wardCode },
    { areas: context.areas, scope: context.scope, wardOfVenue: async () => undefined },
  );
  if (outside) {
    problem('wardCode', 'OUTSIDE_AREA', outside.message);
    return { ok: false, problems };
  }
  return { ok: true, registration };
}

/** class-validator's constraint names on RegisterVenueInput, as row reasons. */
function reasonOfConstraint(field: ImportField, constraint: string): RowReason {
  if (constraint === 'maxLength') return 'TOO_LONG';
  if (constraint === 'isVietnameseMobile') return 'INVALID_PHONE';
  if (constraint === 'matches') return field === 'wardCode' ? 'INVALID_WARD_CODE' : 'REQUIRED';
  throw new Error(
    `RegisterVenueInput.${field} has a constraint the import does not name: ${constraint}`,
  );
}
