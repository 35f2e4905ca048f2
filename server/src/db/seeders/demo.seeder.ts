import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  addDays,
  DAY_MS,
  foldForSearch,
  localDayOf,
  localDayStart,
  VENUE_CATEGORY_VALUES,
  type VenueCategory,
} from '@quetma/shared';
import type { AreaDirectory, AreaUnit } from '../../areas/area-directory';
import { encryptPersonId, hashPersonId } from '../../scans/person-identity';
import { storeScans, type NewScan } from '../../scans/scan-store';
import { analyzeTables } from '../analyze';
import { queryRows, withPgTransaction } from '../sql';

/**
 * Demo data, seeded at start-up whenever DEMO_DATA is true (the default outside production), on
 * any database (embedded or DATABASE_URL) that has no venues yet: a few thousand venues over
 * every ward of Hà Nội and four weeks of scans up to now, shaped like the 2021 rollout (a third
 * never scan, some stop, the rest scan more often as the push goes on). Seeded random numbers,
 * so two runs look alike; the times follow the clock, so the figures are about the last four
 * weeks.
 */
export interface DemoOptions {
  now: Date;
  personHashKey: Buffer;
  personEncryptionKey: Buffer;
  codeKeyId: string;
  /** Days of scans, ending today. */
  days?: number;
  seed?: number;
}

export interface DemoSummary {
  venues: number;
  scans: number;
}

/** What seedDemoData writes: the venues and their codes, and what storeScans writes. */
export const DEMO_TABLES = [
  'venue',
  'venue_code',
  'scan',
  'scan_id',
  'venue_activity',
  'venue_day_scans',
  'ward_day_person',
] as const;

/** Seeds once: does nothing when the database has venues already. */
export async function seedDemoData(
  orm: MikroORM,
  areas: AreaDirectory,
  options: DemoOptions,
): Promise<DemoSummary | undefined> {
  const [{ n }] = await queryRows<{ n: number }>(orm, 'select count(*)::int as n from venue');
  if (n > 0) return undefined;
  const random = mulberry32(options.seed ?? 2120);
  const venues = makeVenues(areas, options, random);
  const scans = makeScans(venues, options, random);
  await withPgTransaction(orm, async (client) => {
    await client.query(
      `insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
         registrant_name, registrant_phone, is_agency_headquarters, registered_at, status, closed_at, closed_reason, updated_at)
       select *, now() from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[], $13::timestamptz[], $14::text[],
         $15::timestamptz[], $16::text[])`,
      [
        venues.map((v) => v.id),
        venues.map((v) => v.name),
        venues.map((v) => foldForSearch(`${v.name} ${v.address}`)),
        venues.map((v) => foldForSearch(v.name)),
        venues.map((v) => v.category),
        venues.map((v) => v.address),
        venues.map((v) => v.ward.code),
        venues.map((v) => v.district.code),
        venues.map((v) => v.city.code),
        venues.map((v) => v.registrantName),
        venues.map((v) => v.registrantPhone),
        venues.map((v) => v.category === 'AGENCY_OFFICE'),
        venues.map((v) => v.registeredAt),
        venues.map((v) => (v.closedAt ? 'CLOSED' : 'ACTIVE')),
        venues.map((v) => v.closedAt ?? null),
        venues.map((v) => (v.closedAt ? 'Ngừng hoạt động (dữ liệu mẫu)' : null)),
      ],
    );
    await client.query(
      `insert into venue_code (id, venue_id, version, key_id, issued_at)
       select gen_random_uuid(), id, 1, $2, registered_at from venue where id = any($1::uuid[])`,
      [venues.map((v) => v.id), options.codeKeyId],
    );
    for (let i = 0; i < scans.length; i += 5_000)
      await storeScans(client, scans.slice(i, i + 5_000));
  });
  await analyzeTables(orm, DEMO_TABLES);
  return { venues: venues.length, scans: scans.length };
}

interface DemoVenue {
  id: string;
  name: string;
  category: VenueCategory;
  address: string;
  ward: AreaUnit;
  district: AreaUnit;
  city: AreaUnit;
  registrantName: string;
  registrantPhone: string;
  registeredAt: Date;
  closedAt?: Date;
  habit: 'never' | 'stopped' | 'regular';
}

const STREETS = [
  'Hàng Bạc',
  'Hàng Đào',
  'Đinh Tiên Hoàng',
  'Tràng Tiền',
  'Lý Thái Tổ',
  'Kim Mã',
  'Giảng Võ',
  'Láng Hạ',
  'Nguyễn Trãi',
  'Trần Duy Hưng',
  'Xuân Thủy',
  'Phạm Văn Đồng',
  'Giải Phóng',
  'Minh Khai',
  'Bạch Mai',
  'Lạc Long Quân',
  'Âu Cơ',
  'Nguyễn Văn Cừ',
  'Ngọc Lâm',
  'Quang Trung',
  'Lê Lợi',
  'Tô Hiệu',
  'Đội Cấn',
  'Hoàng Hoa Thám',
];
const BRANDS = [
  'Hoa Sen',
  'Phú Quý',
  'An Bình',
  'Thành Công',
  'Hồng Hà',
  'Minh Châu',
  'Thăng Long',
  'Bình Minh',
  'Sao Mai',
  'Hải Đăng',
  'Tràng An',
  'Phương Đông',
  'Đông Đô',
  'Ngọc Lan',
  'Việt Đức',
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Quang', 'Ngọc', 'Hữu'];
const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Giang',
  'Hà',
  'Hùng',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phương',
  'Quân',
  'Trang',
  'Tuấn',
];

const NAME_PATTERNS: Record<VenueCategory, string[]> = {
  AGENCY_OFFICE: ['Trụ sở UBND {ward}', 'Công an {ward}', 'Bưu điện {street}'],
  HOSPITAL: ['Trạm Y tế {ward}', 'Phòng khám Đa khoa {brand}'],
  SCHOOL: ['Trường Tiểu học {brand}', 'Trường THCS {brand}', 'Trường Mầm non {brand}'],
  ENTERPRISE: ['Công ty TNHH {brand}', 'Xưởng may {brand}', 'Công ty Cổ phần {brand}'],
  SHOPPING_CENTRE: ['Trung tâm thương mại {brand}'],
  SUPERMARKET: ['Siêu thị {brand} {street}'],
  CONVENIENCE_STORE: ['Cửa hàng tiện lợi {brand} {street}'],
  MARKET: ['Chợ {street}', 'Chợ dân sinh {ward}'],
  RESTAURANT: ['Quán Phở {street}', 'Bún chả {street}', 'Nhà hàng {brand}', 'Quán cơm {brand}'],
  CAFE: ['Cà phê {brand}', 'Cà phê {street}'],
  HOTEL: ['Khách sạn {brand}', 'Nhà nghỉ {brand}'],
  STATIONERY_REPAIR: ['Văn phòng phẩm {brand}', 'Sửa xe máy {street}'],
  TRANSPORT: ['Điểm dừng xe buýt {street}', 'Bến xe {brand}'],
  APARTMENT_BUILDING: ['Chung cư {brand}', 'Tòa nhà {brand} Tower'],
  RESIDENTIAL_GROUP: ['Tổ dân phố số {n}', 'Thôn {brand}'],
  CHECKPOINT: ['Chốt kiểm soát {street}'],
};

/** Venues per ward: more in the urban wards. */
const VENUES_PER_WARD: Record<string, number> = { Phường: 8, 'Thị trấn': 5, Xã: 4 };

function makeVenues(areas: AreaDirectory, options: DemoOptions, random: () => number): DemoVenue[] {
  const days = options.days ?? 28;
  const firstDayStart = localDayStart(addDays(localDayOf(options.now), -(days - 1)));
  const venues: DemoVenue[] = [];
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  for (const city of areas.cities()) {
    for (const district of areas.children(city.code)) {
      for (const ward of areas.children(district.code)) {
        const count = VENUES_PER_WARD[ward.type] ?? 4;
        for (let i = 0; i < count; i++) {
          const category = pick(VENUE_CATEGORY_VALUES);
          const street = pick(STREETS);
          const name = pick(NAME_PATTERNS[category])
            .replace('{ward}', ward.name)
            .replace('{street}', street)
            .replace('{brand}', pick(BRANDS))
            .replace('{n}', String(1 + Math.floor(random() * 30)));
          // one in ten registers during the four weeks; the rest up to a month before
          const registeredAt =
            random() < 0.1
              ? new Date(
                  firstDayStart.getTime() +
                    random() * (options.now.getTime() - firstDayStart.getTime()),
                )
              : new Date(firstDayStart.getTime() - (1 + random() * 30) * DAY_MS);
          const closing = random() < 0.02;
          const closedAt = closing
            ? new Date(
                Math.max(registeredAt.getTime(), firstDayStart.getTime()) +
                  random() * days * DAY_MS * 0.8,
              )
            : undefined;
          const habitRoll = random();
          venues.push({
            id: randomUUID(),
            name,
            category,
            address: `Số ${1 + Math.floor(random() * 200)} ${street}, ${ward.name}, ${district.name}`,
            ward,
            district,
            city,
            registrantName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
            registrantPhone: `+849${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
            registeredAt,
            closedAt: closedAt && closedAt < options.now ? closedAt : undefined,
            habit: habitRoll < 0.35 ? 'never' : habitRoll < 0.5 ? 'stopped' : 'regular',
          });
        }
      }
    }
  }
  return venues;
}

function makeScans(venues: DemoVenue[], options: DemoOptions, random: () => number): NewScan[] {
  const days = options.days ?? 28;
  const today = localDayOf(options.now);
  const people = Array.from(
    { length: 12_000 },
    (_, i) => `09${String(10_000_000 + i * 7_919).slice(-8)}`,
  );
  const sealed = new Map<string, { hash: Buffer; encrypted: Buffer }>();
  const identity = (phone: string) => {
    let entry = sealed.get(phone);
    if (!entry) {
      entry = {
        hash: hashPersonId(options.personHashKey, phone),
        encrypted: encryptPersonId(options.personEncryptionKey, phone),
      };
      sealed.set(phone, entry);
    }
    return entry;
  };
  const scans: NewScan[] = [];
  for (const venue of venues) {
    if (venue.habit === 'never') continue;
    for (let d = 0; d < days; d++) {
      const day = addDays(today, d - (days - 1));
      const chance =
        venue.habit === 'stopped' ? (d < days / 2 ? 0.5 : 0) : 0.25 + (0.5 * d) / (days - 1);
      if (random() >= chance) continue;
      const visitors = 1 + Math.floor(random() * random() * 15);
      for (let v = 0; v < visitors; v++) {
        // opening hours 06:00–22:00 local
        const scannedAt = new Date(localDayStart(day).getTime() + (6 + random() * 16) * 3_600_000);
        if (scannedAt < venue.registeredAt || scannedAt > options.now) continue;
        if (venue.closedAt && scannedAt >= venue.closedAt) continue;
        const person = identity(people[Math.floor(random() * people.length)]);
        scans.push({
          id: randomUUID(),
          venueId: venue.id,
          codeVersion: 1,
          scannedAt,
          receivedAt: new Date(scannedAt.getTime() + 1_000 + random() * 60_000),
          direction: 'IN',
          method:
            random() < 0.8
              ? 'VISITOR_SCANNED_VENUE'
              : random() < 0.9
                ? 'STAFF_SCANNED_PERSON'
                : 'MANUAL_ENTRY',
          personHash: person.hash,
          personEncrypted: person.encrypted,
        });
      }
    }
  }
  return scans;
}

/** A small seeded generator: the same seed gives the same demo city. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
