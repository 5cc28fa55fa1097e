export * from './resource-data-sync';
export * from './destination';
export * from './source';
