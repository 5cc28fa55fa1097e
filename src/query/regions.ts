import { Token } from 'aws-cdk-lib';
import { partitionOfRegion } from '../validation';

/*
 * The Regions an inventory database projects when nothing tells it which Regions the syncs write
 * from. A fixed list, kept here: not aws-cdk-lib's RegionInfo, which grows with each aws-cdk-lib
 * release, so that upgrading aws-cdk-lib would rewrite every table of every user's stack (and
 * break their snapshot tests) with no change of theirs. The list is the Regions aws-cdk-lib 2.257.0
 * knows; a Region added since is projected when it is the stack's own, or when it is given in
 * `regions`, or when the destination knows it (an OrganizationInventory's Regions). Made when a
 * database is built, not when the module loads (CONTRIBUTING.md, "Mutation testing").
 */
function regionsOfPartition(): Record<string, string[]> {
  return {
    'aws': [
      'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
      'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
      'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1',
      'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1',
      'us-east-2', 'us-west-1', 'us-west-2',
    ],
    'aws-cn': ['cn-north-1', 'cn-northwest-1'],
    'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
    'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
    'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
    'aws-iso-e': ['eu-isoe-west-1'],
    'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
    'aws-eusc': ['eusc-de-east-1'],
  };
}

/**
 * The Regions projected when the destination does not know its syncs' Regions: the fixed list of
 * the stack's partition (`aws` when the stack's Region is not known), and the stack's own Region.
 */
export function defaultRegions(stackRegion: string): string[] {
  const known = !Token.isUnresolved(stackRegion);
  const partition = (known ? partitionOfRegion(stackRegion) : undefined) ?? 'aws';
  const ofPartition = regionsOfPartition();
  const regions = [...(ofPartition[partition] ?? ofPartition.aws)];
  if (known && !regions.includes(stackRegion)) regions.push(stackRegion);
  return regions.sort();
}
