import { foldForSearch, type UnitLevel } from '@quetma/shared';
import { Client } from 'pg';
import { queryRows } from '../db/sql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UNITS_CHANGED_CHANNEL } from './units.service';

export interface AreaUnit {
  code: string;
  name: string;
  type: string;
  level: UnitLevel;
  parentCode: string | null;
  /** Name folded for search: no case, no diacritics. */
  searchName: string;
}

/**
 * All administrative units, in memory. They are few (Hà Nội: 610 rows, the whole country:
 * 11,368) and read on every page of venues, so resolving a venue's ward, district and city
 * is a map look-up instead of a query. Reloaded when the units change (LISTEN/NOTIFY).
 */
export class AreaDirectory {
  private byCode = new Map<string, AreaUnit>();
  private childrenByCode = new Map<string, AreaUnit[]>();
  private roots: AreaUnit[] = [];

  constructor(units: AreaUnit[] = []) {
    this.replace(units);
  }

  static async load(orm: MikroORM): Promise<AreaDirectory> {
    const directory = new AreaDirectory();
    await directory.reload(orm);
    return directory;
  }

  async reload(orm: MikroORM): Promise<void> {
    const rows = await queryRows<Omit<AreaUnit, 'searchName'>>(
      orm,
      `select code, name, type, level, parent_code as "parentCode" from administrative_unit order by code`,
    );
    this.replace(rows.map((row) => ({ ...row, searchName: foldForSearch(row.name) })));
  }

  /** Keeps this copy current while the server runs; returns a function that stops listening. */
  async listenForChanges(
    orm: MikroORM,
    url: string,
    onError: (e: Error) => void,
  ): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: url });
    client.on('error', onError);
    client.on('notification', () => void this.reload(orm).catch(onError));
    await client.connect();
    await client.query(`listen ${UNITS_CHANGED_CHANNEL}`);
    return () => client.end();
  }

  private replace(units: AreaUnit[]): void {
    const byCode = new Map<string, AreaUnit>();
    const children = new Map<string, AreaUnit[]>();
    const roots: AreaUnit[] = [];
    for (const unit of units) {
      byCode.set(unit.code, unit);
      if (unit.parentCode === null) roots.push(unit);
      else {
        const siblings = children.get(unit.parentCode);
        if (siblings) siblings.push(unit);
        else children.set(unit.parentCode, [unit]);
      }
    }
    const byCodeOrder = (a: AreaUnit, b: AreaUnit) => a.code.localeCompare(b.code);
    roots.sort(byCodeOrder);
    for (const list of children.values()) list.sort(byCodeOrder);
    this.byCode = byCode;
    this.childrenByCode = children;
    this.roots = roots;
  }

  get size(): number {
    return this.byCode.size;
  }

  get(code: string): AreaUnit | undefined {
    return this.byCode.get(code);
  }

  /** The unit with this code if it is of that level. */
  find(code: string, level: UnitLevel): AreaUnit | undefined {
    const unit = this.byCode.get(code);
    return unit?.level === level ? unit : undefined;
  }

  cities(): AreaUnit[] {
    return this.roots;
  }

  children(code: string): AreaUnit[] {
    return this.childrenByCode.get(code) ?? [];
  }

  parent(unit: AreaUnit): AreaUnit | undefined {
    return unit.parentCode === null ? undefined : this.byCode.get(unit.parentCode);
  }

  /** True when `code` is `ancestorCode` or lies below it. */
  isWithin(code: string, ancestorCode: string): boolean {
    for (let unit = this.byCode.get(code); unit; unit = this.parent(unit)) {
      if (unit.code === ancestorCode) return true;
    }
    return false;
  }

  /** Ward → its district and city; throws when the table is inconsistent (a bug, not input). */
  lineage(wardCode: string): { ward: AreaUnit; district: AreaUnit; city: AreaUnit } {
    const ward = this.byCode.get(wardCode);
    const district = ward && this.parent(ward);
    const city = district && this.parent(district);
    if (!ward || !district || !city) throw new Error(`ward ${wardCode} has no district or city`);
    return { ward, district, city };
  }
}
