import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { LocalDay, UnitLevel } from '@quetma/shared';
import { computeComplianceStats, unitDayKey } from './compliance-stats.service';
import type { ComplianceStats } from './compliance-stats.type';

export interface StatsKey {
  level: UnitLevel;
  code: string;
  day: LocalDay;
}

const keyOf = (k: StatsKey) => `${k.level}|${unitDayKey(k)}`;

/**
 * Figures of every unit and day asked for in one request (a city's districts on a day, a ward's
 * series of days): one statement per level, not per unit or day.
 */
export function complianceStatsLoader(orm: MikroORM) {
  return new DataLoader<StatsKey, ComplianceStats, string>(
    async (keys) => {
      const byLevel = new Map<UnitLevel, StatsKey[]>();
      for (const key of keys) {
        const group = byLevel.get(key.level);
        if (group) group.push(key);
        else byLevel.set(key.level, [key]);
      }
      const results = new Map<string, ComplianceStats>();
      await Promise.all(
        [...byLevel].map(async ([level, group]) => {
          const stats = await computeComplianceStats(orm, level, group);
          for (const [key, figures] of stats) results.set(`${level}|${key}`, figures);
        }),
      );
      return keys.map((k) => results.get(keyOf(k))!);
    },
    { cacheKeyFn: keyOf },
  );
}
