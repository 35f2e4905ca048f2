/**
 * Venue categories, in the wording of Hà Nội's directives: agencies, hospitals, schools,
 * businesses, shops and markets, food and lodging, transport, residential places and checkpoints.
 */
export const VENUE_CATEGORIES = {
  AGENCY_OFFICE: { vi: 'Cơ quan, công sở', en: 'Agency or office' },
  HOSPITAL: { vi: 'Bệnh viện, cơ sở y tế', en: 'Hospital or clinic' },
  SCHOOL: { vi: 'Trường học', en: 'School' },
  ENTERPRISE: {
    vi: 'Doanh nghiệp, cơ sở sản xuất, kinh doanh, dịch vụ',
    en: 'Enterprise or production, business and service establishment',
  },
  SHOPPING_CENTRE: { vi: 'Trung tâm thương mại', en: 'Shopping centre' },
  SUPERMARKET: { vi: 'Siêu thị', en: 'Supermarket' },
  CONVENIENCE_STORE: { vi: 'Cửa hàng tiện lợi', en: 'Convenience store' },
  MARKET: { vi: 'Chợ', en: 'Market' },
  RESTAURANT: { vi: 'Nhà hàng, quán ăn', en: 'Restaurant or eatery' },
  CAFE: { vi: 'Quán cà phê', en: 'Café' },
  HOTEL: { vi: 'Khách sạn, cơ sở lưu trú', en: 'Hotel or lodging' },
  STATIONERY_REPAIR: { vi: 'Cửa hàng văn phòng phẩm, sửa chữa', en: 'Stationery or repair shop' },
  TRANSPORT: {
    vi: 'Nhà ga, bến xe, giao thông công cộng',
    en: 'Station, bus terminal or public transport',
  },
  APARTMENT_BUILDING: { vi: 'Chung cư', en: 'Apartment building' },
  RESIDENTIAL_GROUP: { vi: 'Thôn, tổ dân phố', en: 'Village or residential group' },
  CHECKPOINT: { vi: 'Chốt kiểm soát', en: 'Checkpoint' },
} as const;

export type VenueCategory = keyof typeof VENUE_CATEGORIES;
export const VENUE_CATEGORY_VALUES = Object.keys(VENUE_CATEGORIES) as VenueCategory[];

export const VENUE_STATUSES = ['ACTIVE', 'SUSPENDED', 'CLOSED'] as const;
export type VenueStatus = (typeof VENUE_STATUSES)[number];

/** How a venue stands against the figures' definitions, as of the latest day. */
export const SCAN_STATUSES = ['ACTIVE', 'DORMANT', 'NEVER_SCANNED'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** A venue that scanned before but not in this many days (D and the 6 before it) is dormant. */
export const DORMANT_AFTER_DAYS = 7;
