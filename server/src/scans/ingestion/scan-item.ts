import { SCAN_DIRECTIONS, SCAN_METHODS, type ScanDirection, type ScanMethod } from '@quetma/shared';
import { isUuid } from '../../graphql/ids';
import { canonicalPersonId, PERSON_ID_MAX_LENGTH, PERSON_ID_MIN_LENGTH } from '../person-identity';

/**
 * One scan as a check-in app sends it, checked for shape before anything else: what needs no
 * database. The HTTP endpoint and the GraphQL mutation both come through here, so an item is
 * judged the same way whichever door it used.
 */
export const MAX_SCANS_PER_REQUEST = 1_000;

/** Why a scan was not stored. Stable: apps switch on these. */
export const SCAN_REJECTIONS = [
  'MALFORMED_ITEM',
  'MALFORMED_CODE',
  'FORGED_CODE',
  'REVOKED_CODE',
  'UNKNOWN_VENUE',
  'CLOSED_VENUE',
  'FUTURE_TIME',
  'TOO_OLD',
  'BEFORE_REGISTRATION',
] as const;
export type ScanRejection = (typeof SCAN_REJECTIONS)[number];

export interface HealthDeclaration {
  /** Symptoms (fever, cough, loss of taste…) in the last 14 days. */
  symptoms: boolean;
  contactWithCase: boolean;
  recentTravel: boolean;
}

export interface ScanItem {
  /** The client's UUID, lower case. */
  id: string;
  code: string;
  scannedAt: Date;
  direction: ScanDirection;
  method: ScanMethod;
  /** The phone or ID number in canonical form (see canonicalPersonId). */
  person: string;
  healthDeclaration: HealthDeclaration | null;
}

export type ParsedScanItem =
  { ok: true; item: ScanItem } | { ok: false; field: string; message: string; id: string | null };

const PERSON = new RegExp(`^\\+?[0-9A-Z]{${PERSON_ID_MIN_LENGTH},${PERSON_ID_MAX_LENGTH}}$`);
// RFC 3339 / ISO 8601 extended form with a required offset; seconds and fractions optional
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const DECLARATION_FIELDS = ['symptoms', 'contactWithCase', 'recentTravel'] as const;

class Malformed extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseScanItem(raw: unknown): ParsedScanItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, field: 'scan', message: 'each scan must be a JSON object', id: null };
  }
  const input = raw as Record<string, unknown>;
  const id = typeof input.id === 'string' && isUuid(input.id) ? input.id.toLowerCase() : null;
  try {
    if (!id) throw new Malformed('id', 'must be a UUID the app made for this scan');
    return {
      ok: true,
      item: {
        id,
        code: readCode(input.code),
        scannedAt: readInstant(input.scannedAt),
        direction: readChoice('direction', input.direction ?? 'IN', SCAN_DIRECTIONS),
        method: readChoice('method', input.method, SCAN_METHODS),
        person: readPerson(input.person),
        healthDeclaration: readDeclaration(input.healthDeclaration),
      },
    };
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return { ok: false, field: error.field, message: `${error.field}: ${error.message}`, id };
  }
}

function readCode(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Malformed('code', "must be the venue code's scanned text (QM1.…)");
  }
  return value;
}

/** The instant of an ISO 8601 time with an offset; a time without one is ambiguous, so refused. */
export function parseInstant(value: string): Date | undefined {
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || Number(m[11] ?? 0) > 59) return undefined;
  if (Math.abs(offsetMinutes) > 14 * 60) return undefined;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 2021-02-30 over to March: a day that rolled over does not exist
  if (new Date(local).getUTCDate() !== d) return undefined;
  return new Date(local - offsetMinutes * 60_000);
}

function readInstant(value: unknown): Date {
  const instant = typeof value === 'string' ? parseInstant(value) : undefined;
  if (!instant) {
    throw new Malformed(
      'scannedAt',
      'must be the device time in ISO 8601 with its offset, e.g. 2021-08-09T08:30:00+07:00',
    );
  }
  return instant;
}

function readChoice<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new Malformed(field, `must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

function readPerson(value: unknown): string {
  const canonical = typeof value === 'string' ? canonicalPersonId(value) : '';
  if (!PERSON.test(canonical)) {
    throw new Malformed(
      'person',
      `must be the person's phone or ID number: ${PERSON_ID_MIN_LENGTH} to ${PERSON_ID_MAX_LENGTH} letters or digits, spaces, dots, dashes and parentheses aside`,
    );
  }
  return canonical;
}

function readDeclaration(value: unknown): HealthDeclaration | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Malformed('healthDeclaration', 'must be an object of three true/false answers');
  }
  const answers = value as Record<string, unknown>;
  for (const field of DECLARATION_FIELDS) {
    if (typeof answers[field] !== 'boolean') {
      throw new Malformed(`healthDeclaration.${field}`, 'must be true or false');
    }
  }
  // only the three answers are kept: nothing else an app sends ends up stored
  return {
    symptoms: answers.symptoms as boolean,
    contactWithCase: answers.contactWithCase as boolean,
    recentTravel: answers.recentTravel as boolean,
  };
}
