import { Field, InputType } from 'type-graphql';
import { SCAN_METHODS, type ScanMethod } from '@quetma/shared';
import { PERSON_ID_MAX_LENGTH, PERSON_ID_MIN_LENGTH } from '../person-identity';
import { ScanValue } from './scan-value.scalar';

const METHOD_MEANINGS: Record<ScanMethod, string> = {
  VISITOR_SCANNED_VENUE: "a visitor's phone scanned the venue's poster",
  STAFF_SCANNED_PERSON: "the venue's staff scanned the visitor's personal code",
  MANUAL_ENTRY: 'typed in by the venue, for a visitor without a phone',
};

/**
 * One scan. Its fields take any value and may be left out: parseScanItem judges each item as it
 * judges a POST /api/scans item, so one bad or missing value rejects its scan alone, naming the
 * field, instead of failing the whole request in GraphQL's coercion.
 */
@InputType({
  description:
    'One check-in or check-out, as a check-in app records it: the same fields as an item of POST /api/scans. Each field is checked with its scan: one missing, of the wrong type or out of range rejects that scan alone (MALFORMED_ITEM, the message naming the field).',
})
export class ScanInput {
  @Field(() => ScanValue, {
    nullable: true,
    description: 'Required: a UUID the app makes for this scan; a retry sends it again.',
  })
  id?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description: "Required: the venue code's scanned text (QM1.…), a string.",
  })
  code?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description:
      'Required: the device time, a string in ISO 8601 with its offset, e.g. 2021-08-09T08:30:00+07:00.',
  })
  scannedAt?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description: 'IN (check-in) or OUT (check-out); IN when left out or null.',
  })
  direction?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description: `Required: ${SCAN_METHODS.map((m) => `${m} (${METHOD_MEANINGS[m]})`).join(', ')}.`,
  })
  method?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description: `Required: the person's phone or ID number, a string (${PERSON_ID_MIN_LENGTH} to ${PERSON_ID_MAX_LENGTH} letters or digits once spaces, dots, dashes and parentheses are removed; letters are upper-cased). Stored only hashed and encrypted.`,
  })
  person?: unknown;

  @Field(() => ScanValue, {
    nullable: true,
    description:
      'Optional: the electronic health declaration, { symptoms, contactWithCase, recentTravel }, each true or false: symptoms (fever, cough, loss of taste…), contact with a confirmed case, travel from or through an outbreak area, all in the last 14 days. Stored encrypted.',
  })
  healthDeclaration?: unknown;
}
