import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { SCAN_DIRECTIONS, SCAN_METHODS, type ScanDirection, type ScanMethod } from '@quetma/shared';

export const ScanDirectionEnum = Object.fromEntries(SCAN_DIRECTIONS.map((d) => [d, d])) as {
  [K in ScanDirection]: K;
};
registerEnumType(ScanDirectionEnum, {
  name: 'ScanDirection',
  description: 'Check-in (IN) or check-out (OUT).',
});

export const ScanMethodEnum = Object.fromEntries(SCAN_METHODS.map((m) => [m, m])) as {
  [K in ScanMethod]: K;
};
registerEnumType(ScanMethodEnum, {
  name: 'ScanMethod',
  valuesConfig: {
    VISITOR_SCANNED_VENUE: { description: "A visitor's phone scanned the venue's poster." },
    STAFF_SCANNED_PERSON: { description: "The venue's staff scanned the visitor's personal code." },
    MANUAL_ENTRY: { description: 'Typed in by the venue (a visitor without a phone).' },
  },
});

@InputType({ description: 'Answers of the electronic health declaration sent with a scan.' })
export class HealthDeclarationInput {
  @Field(() => Boolean, {
    description: 'Symptoms (fever, cough, loss of taste…) in the last 14 days.',
  })
  symptoms!: boolean;

  @Field(() => Boolean, { description: 'Contact with a confirmed case in the last 14 days.' })
  contactWithCase!: boolean;

  @Field(() => Boolean, {
    description: 'Travel from or through an outbreak area in the last 14 days.',
  })
  recentTravel!: boolean;
}

/**
 * One scan. The fields a device fills (id, scannedAt, person) are plain strings checked item by
 * item, so that one bad value is rejected alone instead of failing the whole request.
 */
@InputType({ description: 'One check-in or check-out, as a check-in app records it.' })
export class ScanInput {
  @Field(() => ID, { description: 'A UUID the app makes for this scan; a retry sends it again.' })
  id!: string;

  @Field(() => String, { description: "The venue code's scanned text (QM1.…)." })
  code!: string;

  @Field(() => String, {
    description: 'Device time, ISO 8601 with its offset, e.g. 2021-08-09T08:30:00+07:00.',
  })
  scannedAt!: string;

  @Field(() => ScanDirectionEnum, { nullable: true, description: 'Defaults to IN.' })
  direction?: ScanDirection | null;

  @Field(() => ScanMethodEnum)
  method!: ScanMethod;

  @Field(() => String, {
    description:
      "The person's phone or ID number (6 to 20 letters or digits; spaces, dots and dashes are ignored). Stored only hashed and encrypted.",
  })
  person!: string;

  @Field(() => HealthDeclarationInput, { nullable: true })
  healthDeclaration?: HealthDeclarationInput | null;
}
