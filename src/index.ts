export * from './resource-data-sync';
export * from './destination';
export * from './inventory-bucket';
export * from './source';
export * from './grants';
export * from './organization/organization-inventory';
export * from './query';
export * from './api-sync/destination-data-sharing';
export * from './monitor/sync-health-monitor';
// Inventory history: dated snapshots and the change queries over them.
export * from './history';
// The organization coverage census.
export * from './organization/organization-coverage';
