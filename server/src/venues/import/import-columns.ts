import {
  foldForSearch,
  isLocalDay,
  localDayStart,
  VENUE_CATEGORIES,
  VENUE_CATEGORY_VALUES,
  type VenueCategory,
} from '@quetma/shared';
import { DateTimeResolver } from 'graphql-scalars';
import type { RegisterVenueInput } from '../venue.input';

export type ImportField = keyof Pick<
  RegisterVenueInput,
  | 'name'
  | 'address'
  | 'category'
  | 'wardCode'
  | 'registrantName'
  | 'registrantPhone'
  | 'isAgencyHeadquarters'
  | 'registeredAt'
>;

interface ColumnSpec {
  /** The header in English: RegisterVenueInput's field name. */
  en: ImportField;
  /** The header in Vietnamese, as the README and the console's template give it. */
  vi: string;
  /** Other headers registries write for it. */
  aliases: readonly string[];
  required: boolean;
}

/** The columns of an import file, in the template's order: RegisterVenueInput's fields. */
export const IMPORT_COLUMNS: readonly ColumnSpec[] = [
  { en: 'name', vi: 'Tên cơ sở', aliases: ['Tên', 'Tên địa điểm', 'Venue name'], required: true },
  { en: 'address', vi: 'Địa chỉ', aliases: [], required: true },
  { en: 'category', vi: 'Loại hình', aliases: ['Loại hình cơ sở'], required: true },
  {
    en: 'wardCode',
    vi: 'Mã phường/xã',
    aliases: ['Mã phường', 'Mã xã', 'Mã phường/xã/thị trấn'],
    required: true,
  },
  {
    en: 'registrantName',
    vi: 'Người đăng ký',
    aliases: ['Họ tên người đăng ký', 'Tên người đăng ký'],
    required: true,
  },
  {
    en: 'registrantPhone',
    vi: 'Số điện thoại',
    aliases: ['SĐT', 'Điện thoại', 'Số điện thoại người đăng ký', 'Phone'],
    required: true,
  },
  {
    en: 'isAgencyHeadquarters',
    vi: 'Trụ sở cơ quan',
    aliases: ['Là trụ sở cơ quan', 'Agency headquarters'],
    required: false,
  },
  { en: 'registeredAt', vi: 'Ngày đăng ký', aliases: ['Thời điểm đăng ký'], required: false },
];

/** Letters and digits only, folded: `Mã phường/xã`, `ma phuong xa` and `MaPhuongXa` read alike. */
const headerKey = (text: string) => foldForSearch(text).replace(/[^a-z0-9]/g, '');

const FIELD_BY_HEADER = new Map<string, ImportField>(
  IMPORT_COLUMNS.flatMap((c) => [c.en, c.vi, ...c.aliases].map((h) => [headerKey(h), c.en])),
);

/** The field a header names, ignoring case, diacritics, spaces and punctuation. */
export function fieldOfHeader(header: string): ImportField | undefined {
  return FIELD_BY_HEADER.get(headerKey(header));
}

/** The headers accepted for a field, for messages: `registrantPhone` / `Số điện thoại`. */
export function headersOf(field: ImportField): string {
  const column = IMPORT_COLUMNS.find((c) => c.en === field)!;
  return `${column.en} / ${column.vi}`;
}

const categoryKey = (text: string) =>
  foldForSearch(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * A category by its code (`RESTAURANT`), its Vietnamese or English label, or one part of a
 * label that names no other category (`Quán ăn` of `Nhà hàng, quán ăn`), as lists write them.
 */
const CATEGORY_BY_KEY: Map<string, VenueCategory> = (() => {
  const byKey = new Map<string, VenueCategory>();
  const parts = new Map<string, Set<VenueCategory>>();
  for (const category of VENUE_CATEGORY_VALUES) {
    const { vi, en } = VENUE_CATEGORIES[category];
    for (const whole of [category, vi, en]) byKey.set(categoryKey(whole), category);
    for (const part of [...vi.split(','), ...en.split(/,| or /)]) {
      const key = categoryKey(part);
      if (!parts.has(key)) parts.set(key, new Set());
      parts.get(key)!.add(category);
    }
  }
  for (const [key, categories] of parts)
    if (categories.size === 1 && !byKey.has(key)) byKey.set(key, [...categories][0]);
  return byKey;
})();

export function readCategory(text: string): VenueCategory | undefined {
  const key = categoryKey(text);
  return key ? CATEGORY_BY_KEY.get(key) : undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'x', 'co']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'khong']);

/** An empty cell is no; `x`, `1`, `có`, `true`, `yes` are yes; `0`, `không`, `false`, `no` are no. */
export function readYesNo(text: string): boolean | undefined {
  const key = foldForSearch(text);
  if (key === '' || FALSE_WORDS.has(key)) return false;
  return TRUE_WORDS.has(key) ? true : undefined;
}

const VIETNAMESE_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * An instant as the API takes it (ISO 8601 with an offset, `2021-08-09T08:30:00+07:00`), or a
 * day, `2021-08-09` or `09/08/2021` (day first, as Vietnamese lists write it), meaning its start
 * in Hà Nội. Undefined when it is none of these.
 */
export function readRegisteredAt(text: string): Date | undefined {
  const vietnamese = VIETNAMESE_DATE.exec(text);
  const day = vietnamese
    ? `${vietnamese[3]}-${vietnamese[2].padStart(2, '0')}-${vietnamese[1].padStart(2, '0')}`
    : text;
  if (isLocalDay(day)) return localDayStart(day);
  try {
    return DateTimeResolver.parseValue(text) as Date;
  } catch {
    return undefined;
  }
}

/**
 * What a spreadsheet did to a code it took for a number, undone: Excel shows ward `00001` as
 * `1`, and a phone `0912 345 678` as `912345678`. Anything else is left for validation to judge.
 */
export function restoreLeadingZeros(field: 'wardCode' | 'registrantPhone', text: string): string {
  if (field === 'wardCode') return /^\d{1,4}$/.test(text) ? text.padStart(5, '0') : text;
  return /^[35789]\d{8}$/.test(text) ? `0${text}` : text;
}
