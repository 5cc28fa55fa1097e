import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as fc from 'fast-check';
import { schemaErrors } from './schema';
import { DestinationEncryption, ResourceDataSync, SyncDestination, SyncSource, SyncType } from '../src';

/*
 * Property-based tests: random props, valid and invalid, with tokens in every position.
 *
 * Each generated value carries the rule messages it must cause (`problems`), decided by how it was
 * generated, not by the construct's own checks. Then:
 * - an input with problems must fail synthesis with exactly those messages, each on the sync's path;
 * - an input without problems must synthesize, and its AWS::SSM::ResourceDataSync must be valid
 *   against the CloudFormation registry schema.
 *
 * Seeded: a failure prints its seed and path; replay with FC_SEED=<seed> (and fast-check's path).
 */
const SEED = Number(process.env.FC_SEED ?? 20261125);
const RUNS = Number(process.env.FC_RUNS ?? 1000);

interface Gen<T> {
  readonly value: T;
  /** Beginnings of the messages this value must cause, after `[Stack/Sync] `. */
  readonly problems: string[];
  readonly label: string;
}

const ok = <T>(value: T, label = 'valid'): Gen<T> => ({ value, problems: [], label });
const bad = <T>(value: T, problem: string, label = 'invalid'): Gen<T> => ({ value, problems: [problem], label });

let tokenCount = 0;
const token = () => Token.asString({ Ref: `Param${++tokenCount}` });
const tokenList = () => Token.asList({ Ref: `ListParam${++tokenCount}` });
const tokenArb = fc.constant(null).map(() => ok(token(), 'token'));

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1', 'il-central-1'];
/** The partitions of the Regions above that are not in `aws` (an oracle of its own, not the library's table). */
const PARTITIONS: Record<string, string> = { 'us-gov-west-1': 'aws-us-gov', 'cn-north-1': 'aws-cn', 'eusc-de-east-1': 'aws-eusc' };
const BAD_REGIONS = ['US-EAST-1', 'useast1', 'us-east', 'moon-1', 'eu_west_1', '', 'us-east-1a', 'global'];

/** Valid values (and tokens) are drawn 4 times as often as each kind of invalid one. */
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 4 });

const lowerWord = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9_-]{1,${max}}$`));

// syncName: 1 to 64 characters.
const syncNameArb: fc.Arbitrary<Gen<string | undefined>> = fc.oneof(
  often(fc.constant(ok(undefined, 'generated'))),
  often(fc.string({ minLength: 1, maxLength: 64 }).map(s => ok(s))),
  fc.constant(bad('', 'syncName')),
  fc.string({ minLength: 65, maxLength: 90 }).map(s => bad(s, 'syncName')),
  often(tokenArb),
);

// prefix: 1 to 256 characters, no leading or trailing '/'.
const shortPrefix = fc.array(lowerWord(20), { minLength: 1, maxLength: 8 }).map(parts => parts.join('/'));
const validPrefix = fc.oneof(shortPrefix, fc.constant('a'.repeat(256)));
const prefixArb: fc.Arbitrary<Gen<string | undefined>> = fc.oneof(
  often(fc.constant(ok(undefined, 'none'))),
  often(validPrefix.map(p => ok(p))),
  fc.constant(bad('', 'destination prefix')),
  shortPrefix.map(p => bad(`/${p}`, 'destination prefix')),
  shortPrefix.map(p => bad(`${p}/`, 'destination prefix')),
  fc.integer({ min: 257, max: 300 }).map(n => bad('p'.repeat(n), 'destination prefix')),
  fc.constantFrom('inv*', 'in?v', 'my inventory', 'inv/accountid=111122223333').map(p => bad(p, 'destination prefix')),
  often(tokenArb),
);

const regionArb = (property: string): fc.Arbitrary<Gen<string>> => fc.oneof(
  often(fc.constantFrom(...REGIONS).map(r => ok(r))),
  fc.constantFrom(...BAD_REGIONS).map(r => bad(r, property)),
  often(tokenArb),
);

// S3 bucket names, with S3's rules as aws-cdk-lib applies them.
const bucketNameArb = (property: string): fc.Arbitrary<Gen<string>> => fc.oneof(
  often(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/).map(n => ok(n))),
  fc.constantFrom('ab', 'A-bucket', 'my_bucket', 'my..bucket', '-bucket', 'bucket-', '192.168.0.1', 'a'.repeat(64)).map(n => bad(n, property)),
  often(tokenArb),
);

const accountArb = fc.stringMatching(/^\d{12}$/);
const uuidArb = fc.uuid();

/** A KMS key ARN for a bucket in `bucketRegion`. */
const kmsKeyArnArb = (bucketRegion: Gen<string>): fc.Arbitrary<Gen<string | undefined>> => fc.oneof(
  often(fc.constant(ok(undefined, 'none'))),
  fc.tuple(fc.constantFrom(...REGIONS), accountArb, uuidArb).map(([region, account, id]) => {
    const arn = `arn:${PARTITIONS[region] ?? 'aws'}:kms:${region}:${account}:key/${id}`;
    const judged = !Token.isUnresolved(bucketRegion.value);
    return judged && region !== bucketRegion.value ? bad(arn, 'destination encryption key is in Region', 'other Region') : ok(arn);
  }),
  fc.tuple(fc.constantFrom(...REGIONS), accountArb, lowerWord(20)).map(([r, a, n]) => bad(`arn:aws:kms:${r}:${a}:alias/${n}`, 'destination kmsKeyArn', 'alias')),
  uuidArb.map(id => bad(id, 'destination kmsKeyArn', 'bare key id')),
  fc.constant(bad('arn:aws:s3:::not-a-key', 'destination kmsKeyArn', 'other service')),
  fc.tuple(accountArb, uuidArb).map(([a, id]) => bad(`arn:aws:kms:cn-north-1:${a}:key/${id}`, 'destination kmsKeyArn', 'wrong partition')),
  uuidArb.map(id => bad(`arn:aws:kms:us-east-1:1111:key/${id}`, 'destination kmsKeyArn', 'short account')),
  often(tokenArb),
);

const sourceAccountsArb: fc.Arbitrary<Gen<string[] | undefined>> = fc.oneof(
  often(fc.constant(ok(undefined, 'none'))),
  often(fc.uniqueArray(accountArb, { minLength: 1, maxLength: 4 }).map(a => ok(a))),
  fc.tuple(fc.uniqueArray(accountArb, { maxLength: 3 }), fc.constantFrom('12345', 'abcdefghijkl', '1234567890123', ''))
    .map(([good, wrong]) => bad([...good, wrong], 'destination sourceAccounts')),
  accountArb.map(a => bad([a, a], 'destination sourceAccounts', 'duplicate')),
  often(fc.constant(null).map(() => ok(tokenList(), 'token list'))),
  often(fc.constant(null).map(() => ok([token(), '111122223333'], 'token in list'))),
);

const organizationIdArb: fc.Arbitrary<Gen<string | undefined>> = fc.oneof(
  often(fc.constant(ok(undefined, 'none'))),
  often(fc.stringMatching(/^o-[a-z0-9]{10,32}$/).map(o => ok(o))),
  fc.constantFrom('o-short', 'O-ABCDEFGHIJ', 'abc123defg', 'o-' + 'a'.repeat(33), 'r-abcdefghij').map(o => bad(o, 'destination organizationId')),
  often(tokenArb),
);

interface DestinationCase { build: (() => SyncDestination) | undefined; problems: string[]; label: string }

const destinationArb: fc.Arbitrary<DestinationCase> = fc.oneof(
  fc.constant({ build: undefined, problems: [], label: 'no destination' }),
  fc.record({
    prefix: prefixArb,
    bucketName: fc.oneof(fc.constant(ok(undefined, 'none')), bucketNameArb('destination bucketName')),
    encryption: fc.constantFrom(undefined, DestinationEncryption.KMS, DestinationEncryption.S3_MANAGED),
    sourceAccounts: sourceAccountsArb,
    organizationId: organizationIdArb,
  }).map(o => ({
    build: () => SyncDestination.newBucket({
      prefix: o.prefix.value,
      bucketName: o.bucketName.value,
      encryption: o.encryption,
      sourceAccounts: o.sourceAccounts.value,
      organizationId: o.organizationId.value,
    }),
    problems: [o.prefix, o.bucketName, o.sourceAccounts, o.organizationId].flatMap(g => g.problems),
    label: `newBucket(${[o.prefix, o.bucketName, o.sourceAccounts, o.organizationId].map(g => g.label).join(', ')}, ${o.encryption})`,
  })),
  fc.tuple(bucketNameArb('destination bucketName'), regionArb('destination region'), prefixArb)
    .chain(([name, region, prefix]) => kmsKeyArnArb(region).map(key => ({
      build: () => SyncDestination.fromBucketName(name.value, { region: region.value, prefix: prefix.value, kmsKeyArn: key.value }),
      problems: [name, region, prefix, key].flatMap(g => g.problems),
      label: `fromBucketName(${[name, region, prefix, key].map(g => g.label).join(', ')})`,
    }))),
);

const regionListArb: fc.Arbitrary<Gen<string[]>> = fc.oneof(
  often(fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 5 }).map(r => ok(r))),
  fc.constant(bad([], 'source regions', 'empty')),
  fc.constantFrom(...REGIONS).map(r => bad([r, r], 'source regions', 'duplicate')),
  fc.tuple(fc.uniqueArray(fc.constantFrom(...REGIONS), { maxLength: 3 }), fc.constantFrom(...BAD_REGIONS))
    .map(([good, wrong]) => bad([...good, wrong], 'source regions', 'bad code')),
  often(fc.constant(null).map(() => ok(tokenList(), 'token list'))),
  often(fc.constant(null).map(() => ok([token(), 'us-east-1'], 'token in list'))),
);

const ouIdArb = fc.stringMatching(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
const ouListArb: fc.Arbitrary<Gen<string[]>> = fc.oneof(
  often(fc.uniqueArray(ouIdArb, { minLength: 1, maxLength: 5 }).map(o => ok(o))),
  fc.constant(bad([], 'source organizationalUnits', 'empty')),
  ouIdArb.map(o => bad([o, o], 'source organizationalUnits', 'duplicate')),
  fc.constantFrom('ou-12345', 'OU-ab12-cdef3456', 'ou-ab1-cdef3456', 'ou-ab12-cdef345', 'r-ab12')
    .map(o => bad(['ou-ab12-cdef3456', o], 'source organizationalUnits', 'bad id')),
  fc.constant(bad(Array.from({ length: 1001 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`), 'source organizationalUnits', '1001')),
  often(fc.constant(null).map(() => ok(tokenList(), 'token list'))),
  often(fc.constant(null).map(() => ok([token()], 'token in list'))),
);

interface SourceCase { build: (() => SyncSource) | undefined; problems: string[]; label: string }

const sourceArb: fc.Arbitrary<SourceCase> = fc.oneof(
  { arbitrary: fc.constant({ build: undefined, problems: [], label: 'no source' }), weight: 3 },
  fc.tuple(regionListArb, fc.option(fc.boolean(), { nil: undefined })).map(([regions, future]) => ({
    build: () => SyncSource.singleAccount({ regions: regions.value, includeFutureRegions: future }),
    problems: regions.problems,
    label: `singleAccount(${regions.label})`,
  })),
  regionListArb.map(regions => ({
    build: () => SyncSource.entireOrganization({ regions: regions.value }),
    problems: regions.problems,
    label: `entireOrganization(${regions.label})`,
  })),
  fc.tuple(ouListArb, regionListArb).map(([ous, regions]) => ({
    build: () => SyncSource.organizationalUnits(ous.value, { regions: regions.value }),
    problems: [...ous.problems, ...regions.problems],
    label: `organizationalUnits(${ous.label}, ${regions.label})`,
  })),
);

const caseArb = fc.record({
  syncName: syncNameArb,
  syncType: fc.oneof(often(fc.constant(undefined)), fc.constantFrom(SyncType.SYNC_TO_DESTINATION, SyncType.SYNC_FROM_SOURCE)),
  destination: destinationArb,
  source: sourceArb,
});

/** What the rules say about a whole case: the messages it must cause. */
function expectedProblems(c: fc.RecordValue<typeof caseArb extends fc.Arbitrary<infer T> ? T : never>): string[] {
  const hasSource = c.source.build !== undefined;
  const hasDestination = c.destination.build !== undefined;
  const type = c.syncType ?? (hasSource ? SyncType.SYNC_FROM_SOURCE : SyncType.SYNC_TO_DESTINATION);
  const problems = [...c.syncName.problems];
  if (type === SyncType.SYNC_FROM_SOURCE) {
    if (!hasSource) problems.push('syncType is SYNC_FROM_SOURCE but no source is given');
    if (hasDestination) problems.push('destination is given but the sync is');
    if (hasSource) problems.push(...c.source.problems);
  } else if (hasSource) {
    problems.push('source is given but syncType is SYNC_TO_DESTINATION');
  } else {
    problems.push(...c.destination.problems);
  }
  return problems;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-properties-'));

function synthesize(c: fc.RecordValue<any>): { errors: string[]; template?: any } {
  const app = new App({ outdir, context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Stack');
  new ResourceDataSync(stack, 'Sync', {
    syncName: c.syncName.value,
    syncType: c.syncType,
    destination: c.destination.build?.(),
    source: c.source.build?.(),
  });
  try {
    const assembly = app.synth();
    return { errors: [], template: assembly.getStackByName('Stack').template };
  } catch (e) {
    const message = (e as Error).message;
    if (!message.startsWith('Validation failed')) throw e;
    return { errors: message.split('\n').slice(1).map(line => line.trim()).filter(line => line.length > 0) };
  }
}

describe('property: every invalid input is rejected with the rule\'s message, every valid one synthesizes', () => {
  beforeAll(() => {
    // aws-cdk-lib prints a report of the warning annotations (e.g. fromBucketName's) on every synth.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test(`${RUNS} generated cases (seed ${SEED})`, () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(fc.property(caseArb, c => {
      const expected = expectedProblems(c);
      const { errors, template } = synthesize(c);
      if (expected.length === 0) {
        valid++;
        expect(errors).toEqual([]);
        expect(schemaErrors(template)).toEqual([]);
      } else {
        invalid++;
        // Exactly one error per broken rule, each on the sync's path, in any order.
        expect(errors).toHaveLength(expected.length);
        const unmatched = [...errors];
        for (const problem of expected) {
          const i = unmatched.findIndex(e => e.startsWith(`[Stack/Sync] ${problem}`));
          expect({ problem, errors }).toEqual({ problem, errors: expect.arrayContaining([expect.stringContaining(problem)]) });
          expect(i).toBeGreaterThanOrEqual(0);
          unmatched.splice(i, 1);
        }
      }
    }), { seed: SEED, numRuns: RUNS, verbose: true });
    // Both halves were exercised in earnest.
    expect(valid).toBeGreaterThan(RUNS / 10);
    expect(invalid).toBeGreaterThan(RUNS / 10);
    console.log(`property cases: ${valid} valid, ${invalid} invalid`);
  });
});
