import fs from 'node:fs';
import path from 'node:path';
import { normalizeName, type UnitLevel } from '@quetma/shared';

/**
 * The 2021 GSO list of Viet Nam's administrative units, shipped in server/data with its NOTICE.
 * Flattened to rows parents-first, as the table stores them.
 */
export interface UnitRow {
  code: string;
  name: string;
  type: string;
  level: UnitLevel;
  parentCode: string | null;
}

interface SourceUnit {
  code: string;
  name: string;
  type: string;
}
interface SourceFile {
  provinces: (SourceUnit & { districts: (SourceUnit & { wards: SourceUnit[] })[] })[];
}

export const UNITS_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  'data',
  'vietnam-admin-units-2021.json',
);

/** Rows for the given province codes, or for the whole country when none are given. */
export function readUnitRows(provinceCodes?: string[]): UnitRow[] {
  const source = JSON.parse(fs.readFileSync(UNITS_FILE, 'utf8')) as SourceFile;
  const rows: UnitRow[] = [];
  const row = (unit: SourceUnit, level: UnitLevel, parentCode: string | null): UnitRow => ({
    code: unit.code,
    name: normalizeName(unit.name),
    type: normalizeName(unit.type),
    level,
    parentCode,
  });
  for (const province of source.provinces) {
    if (provinceCodes && !provinceCodes.includes(province.code)) continue;
    rows.push(row(province, 'CITY', null));
    for (const district of province.districts) {
      rows.push(row(district, 'DISTRICT', province.code));
      for (const ward of district.wards) rows.push(row(ward, 'WARD', district.code));
    }
  }
  return rows;
}
