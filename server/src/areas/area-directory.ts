import { foldForSearch, type UnitLevel } from '@quetma/shared';
import { Client } from 'pg';
import { queryRows } from '../db/sql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UNITS_CHANGED_CHANNEL } from './units.service';

/** How the listener's connection shows in pg_stat_activity, for operators (and tests) to find it. */
export const UNIT_LISTENER_APPLICATION_NAME = 'quetma-unit-listener';
const RECONNECT_FIRST_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 5_000;

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
 * 11,367) and read on every page of venues, so resolving a venue's ward, district and city
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

  /**
   * Keeps this copy current while the server runs; returns a function that stops listening.
   * A lost connection is replaced (after 100 ms, doubling up to 5 s, for as long as it takes),
   * and every connection reloads the units once it listens, so a change announced while nobody
   * listened is not missed. `onError` hears of a failed reload, and of an outage twice: when it
   * begins and when it ends, not at every attempt in between. The first connection must succeed.
   */
  async listenForChanges(
    orm: MikroORM,
    url: string,
    onError: (e: Error) => void,
  ): Promise<() => Promise<void>> {
    let stopped = false;
    let listener: Client | undefined;
    let attempt: Promise<void> | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let retryDelay = RECONNECT_FIRST_DELAY_MS;
    let outage: { since: number; attempts: number } | undefined;

    // one reload at a time: two that overlap could finish out of order and keep the older copy
    let running: Promise<void> | undefined;
    let queued: Promise<void> | undefined;
    const reloadUnits = (): Promise<void> => {
      if (!running) {
        running = this.reload(orm).finally(() => (running = undefined));
        return running;
      }
      queued ??= running
        .catch(() => undefined)
        .then(() => {
          queued = undefined;
          return stopped ? undefined : reloadUnits();
        });
      return queued;
    };

    const connectionLost = (e: Error) => {
      listener = undefined;
      if (stopped) return;
      outage = { since: Date.now(), attempts: 0 };
      scheduleReconnect();
      onError(
        new Error(`lost the connection listening for unit changes (${e.message}); reconnecting`),
      );
    };

    const open = async (): Promise<Client> => {
      const client = new Client({
        connectionString: url,
        application_name: UNIT_LISTENER_APPLICATION_NAME,
        // TCP keep-alive finds a connection dropped without a word (a NAT, a failover) dead in
        // minutes, not hours; an attempt at an unreachable server gives up and is tried again
        keepAlive: true,
        keepAliveInitialDelayMillis: 30_000,
        connectionTimeoutMillis: 10_000,
      });
      let lost: Error | undefined;
      const onLost = (e: Error) => {
        if (lost) return;
        lost = e;
        if (listener === client) connectionLost(e);
      };
      client.on('error', onLost);
      client.on('end', () => onLost(new Error('the connection closed')));
      client.on('notification', () => void reloadUnits().catch(onError));
      try {
        await client.connect();
        await client.query(`listen ${UNITS_CHANGED_CHANNEL}`);
        await reloadUnits();
        if (lost) throw lost;
        return client;
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
    };

    const reconnect = async () => {
      let client: Client;
      try {
        client = await open();
      } catch {
        if (!stopped) scheduleReconnect();
        return;
      }
      if (stopped) return void (await client.end().catch(() => undefined));
      listener = client;
      retryDelay = RECONNECT_FIRST_DELAY_MS;
      if (!outage) return;
      const seconds = ((Date.now() - outage.since) / 1000).toFixed(1);
      const attempts = outage.attempts;
      outage = undefined;
      onError(
        new Error(
          `listening for unit changes again after ${seconds} s (${attempts} attempt(s)); units reloaded`,
        ),
      );
    };

    const scheduleReconnect = () => {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (outage) outage.attempts++;
        attempt = reconnect().finally(() => (attempt = undefined));
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RECONNECT_MAX_DELAY_MS);
    };

    listener = await open();
    return async () => {
      stopped = true;
      clearTimeout(retryTimer);
      await attempt?.catch(() => undefined);
      const client = listener;
      listener = undefined;
      await Promise.all([queued, running].map((p) => p?.catch(() => undefined)));
      await client?.end();
    };
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
