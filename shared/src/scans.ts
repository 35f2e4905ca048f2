export const SCAN_DIRECTIONS = ['IN', 'OUT'] as const;
export type ScanDirection = (typeof SCAN_DIRECTIONS)[number];

export const SCAN_METHODS = [
  'VISITOR_SCANNED_VENUE',
  'STAFF_SCANNED_PERSON',
  'MANUAL_ENTRY',
] as const;
export type ScanMethod = (typeof SCAN_METHODS)[number];
