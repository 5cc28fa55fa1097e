export * from './inventory-type';
export * from './inventory-accounts';
export * from './query-grants';
export * from './inventory-database';
