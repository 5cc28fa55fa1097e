/**
 * The organization path: an OrganizationInventory (central bucket and StackSet) with an
 * InventoryDatabase over its destination, its InventoryHistory and an OrganizationCoverage census, in R Regions (the first R commercial Regions aws-cdk-lib
 * knows). `node app-org.js <R> <outdir>`; prints what the driver measures, like the other apps.
 */
import { App, Stack } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CLI_CONTEXT } from './common';
import { InventoryDatabase, InventoryHistory, OrganizationCoverage, OrganizationInventory } from '../src';

const regionCount = Number(process.argv[2]);
const outdir = process.argv[3];
const regions = RegionInfo.regions.filter(r => r.partition === 'aws').map(r => r.name).sort().slice(0, regionCount);
if (regions.length !== regionCount) throw new Error(`aws-cdk-lib knows ${regions.length} commercial Regions, not ${regionCount}`);
const app = new App({ outdir, context: CLI_CONTEXT });
const stack = new Stack(app, 'Organization', { env: { account: '111122223333', region: 'us-east-1' } });
const org = new OrganizationInventory(stack, 'Organization', {
  organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['r-ab12'], regions, bucketName: 'org-inventory-111122223333',
});
const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: org.destination, regions });
new InventoryHistory(stack, 'History', { database });
new OrganizationCoverage(stack, 'Coverage', { inventory: org });
const assembly = app.synth();
const template = assembly.getStackByName('Organization').template;
process.stdout.write(JSON.stringify({
  n: regionCount,
  stacks: assembly.stacks.length,
  resources: Object.keys(template.Resources).length,
  bytes: JSON.stringify(template, undefined, 1).length,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
