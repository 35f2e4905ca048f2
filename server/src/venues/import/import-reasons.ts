/**
 * Why a row of an import file is rejected: stable codes the console translates, each row's
 * `message` saying it in English for anyone else. The README lists them.
 */
export const ROW_REASONS = {
  WRONG_FIELD_COUNT:
    'The row has another number of values than the header has columns: a value holding a comma or a line break must be in double quotes.',
  REQUIRED: 'A required value is empty.',
  TOO_LONG: 'The value is longer than registerVenue allows.',
  UNSTORABLE_TEXT: 'The value holds a character that cannot be stored (a NUL byte).',
  UNKNOWN_CATEGORY: 'The category is none of the VenueCategory codes or labels.',
  INVALID_YES_NO: 'isAgencyHeadquarters is neither yes nor no.',
  INVALID_DATE: 'registeredAt is neither an instant with its offset nor a day.',
  INVALID_WARD_CODE: 'The ward code is not 5 digits.',
  UNKNOWN_WARD: 'No ward has the code.',
  INVALID_PHONE: 'The phone is not a Vietnamese mobile number.',
  FUTURE_DATE: 'registeredAt is in the future.',
  TOO_EARLY: 'registeredAt is before venue registration began (2020-01-01).',
  OUTSIDE_AREA: "The ward is outside the officer's district or ward.",
  DUPLICATE_IN_FILE:
    'An earlier row of the file has the same name and address in the same ward (duplicateOfLine).',
  ALREADY_REGISTERED: 'An open venue with the same name and address is registered in that ward.',
} as const;
export type RowReason = keyof typeof ROW_REASONS;

/** Why a whole file is refused (400 BAD_USER_INPUT, or 413), in `extensions.reason`. */
export const FILE_REASONS = {
  EMPTY_FILE: 'The file has no header line.',
  NO_ROWS: 'The file has a header and no rows.',
  NOT_UTF8: 'The file is not UTF-8 text.',
  UNCLOSED_QUOTE: 'A value in double quotes is never closed (extensions.line).',
  UNKNOWN_COLUMNS: 'The header names columns the import does not know (extensions.columns).',
  MISSING_COLUMNS: 'The header lacks required columns (extensions.columns).',
  REPEATED_COLUMN: 'Two headers name the same column (extensions.columns).',
  TOO_MANY_ROWS: 'The file has more rows than one import takes (413).',
  TOO_LARGE: 'The body is larger than one import takes (413).',
} as const;
export type FileReason = keyof typeof FILE_REASONS;

/** A file refused as a whole; the door answers it with sendError. */
export class ImportFileError extends Error {
  constructor(
    readonly reason: FileReason,
    message: string,
    readonly details: { line?: number; columns?: string[] } = {},
  ) {
    super(message);
  }
}
