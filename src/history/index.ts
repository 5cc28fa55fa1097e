export * from './inventory-history';
