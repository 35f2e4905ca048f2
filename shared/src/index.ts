export * from './areas';
export * from './error-codes';
export * from './local-day';
export * from './roles';
export * from './scans';
export * from './search-text';
export * from './venues';
export * from './phone';
