import { VENUE_CATEGORY_VALUES, SCAN_STATUSES, VENUE_STATUSES } from '@quetma/shared';

/** Choices whose labels are translation keys: react-admin translates them in the page's language. */
export const CATEGORY_CHOICES = VENUE_CATEGORY_VALUES.map((id) => ({
  id,
  name: `resources.venues.categories.${id}`,
}));
export const STATUS_CHOICES = VENUE_STATUSES.map((id) => ({
  id,
  name: `resources.venues.statuses.${id}`,
}));
export const SCAN_STATUS_CHOICES = SCAN_STATUSES.map((id) => ({
  id,
  name: `resources.venues.scanStatuses.${id}`,
}));
