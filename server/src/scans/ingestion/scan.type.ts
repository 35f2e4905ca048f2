import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SCAN_REJECTIONS, type ScanRejection } from './scan-item';

export const ScanRejectionEnum = Object.fromEntries(SCAN_REJECTIONS.map((r) => [r, r])) as {
  [K in ScanRejection]: K;
};
registerEnumType(ScanRejectionEnum, {
  name: 'ScanRejection',
  description: 'Why a scan was not stored. Stable codes: apps may switch on them.',
  valuesConfig: {
    MALFORMED_ITEM: { description: 'A field is missing or malformed; the message names it.' },
    MALFORMED_CODE: { description: 'The scanned text is not a quetma venue code.' },
    FORGED_CODE: { description: 'The code was altered or not signed by quetma.' },
    REVOKED_CODE: { description: "A replaced version of the venue's code (an old poster)." },
    UNKNOWN_VENUE: { description: 'No registered venue has this code.' },
    CLOSED_VENUE: { description: 'The venue is closed.' },
    FUTURE_TIME: {
      description: "scannedAt is ahead of the server's clock by more than the allowed skew.",
    },
    TOO_OLD: { description: 'scannedAt is older than the time scans are kept.' },
    BEFORE_REGISTRATION: { description: 'scannedAt is before the venue was registered.' },
  },
});

export const ScanItemStatusEnum = {
  ACCEPTED: 'ACCEPTED',
  DUPLICATE: 'DUPLICATE',
  REJECTED: 'REJECTED',
} as const;
type ScanItemStatus = keyof typeof ScanItemStatusEnum;
registerEnumType(ScanItemStatusEnum, {
  name: 'ScanItemStatus',
  description: 'What became of one scan of a request.',
  valuesConfig: {
    ACCEPTED: { description: 'Stored now (committed before this answer was sent).' },
    DUPLICATE: { description: 'A scan with this id was stored before: kept once.' },
    REJECTED: { description: 'Not stored; see reason.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A scan that was not stored, and why.' })
export class RejectedScan {
  @Field(() => Int, { description: "The item's position in the request, from 0." })
  index!: number;

  @Field(() => ScanRejectionEnum)
  reason!: ScanRejection;

  @Field(() => String, { description: 'For people: what is wrong, naming the field.' })
  message!: string;
}

@ObjectType({ simpleResolvers: true, description: 'What became of one scan of a request.' })
export class ScanItemResult {
  @Field(() => Int, { description: "The item's position in the request, from 0." })
  index!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The scan id (lower case), when the item had a valid one.',
  })
  id!: string | null;

  @Field(() => ScanItemStatusEnum)
  status!: ScanItemStatus;

  @Field(() => ScanRejectionEnum, { nullable: true })
  reason?: ScanRejection;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The answer to recordScans, given once every accepted scan is committed.',
})
export class RecordScansResult {
  @Field(() => Int, { description: 'Scans stored by this request.' })
  accepted!: number;

  @Field(() => Int, { description: 'Scans whose id was stored before (retries): kept once.' })
  duplicates!: number;

  @Field(() => [RejectedScan])
  rejected!: RejectedScan[];

  @Field(() => [ScanItemResult], { description: 'One entry per item, in request order.' })
  results!: ScanItemResult[];
}
