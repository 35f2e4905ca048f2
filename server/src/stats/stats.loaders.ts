import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { LocalDay, UnitLevel } from '@quetma/shared';
import { computeComplianceStats } from './compliance-stats.service';
import type { ComplianceStats } from './compliance-stats.type';

export interface StatsKey {
  level: UnitLevel;
  code: string;
  day: LocalDay;
}

/** Figures of every unit asked for in one request: one query per level and day, not per unit. */
export function complianceStatsLoader(orm: MikroORM) {
  return new DataLoader<StatsKey, ComplianceStats, string>(
    async (keys) => {
      const groups = new Map<string, StatsKey[]>();
      for (const key of keys) {
        const group = `${key.level}|${key.day}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const results = new Map<string, ComplianceStats>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const { level, day } = group[0];
          const codes = [...new Set(group.map((k) => k.code))];
          const stats = await computeComplianceStats(orm, level, codes, day);
          for (const [code, figures] of stats) results.set(`${level}|${day}|${code}`, figures);
        }),
      );
      return keys.map((k) => results.get(`${k.level}|${k.day}|${k.code}`)!);
    },
    { cacheKeyFn: (k) => `${k.level}|${k.day}|${k.code}` },
  );
}
