export * from './resource-data-sync';
export * from './destination';
export * from './inventory-bucket';
export * from './source';
export * from './grants';
export * from './organization/organization-inventory';
export * from './query';
export * from './api-sync/destination-data-sharing';
export * from './monitor/sync-health-monitor';
// Organization coverage census (issue 21).
export * from './organization/organization-coverage';
