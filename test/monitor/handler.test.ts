import * as path from 'path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ListResourceDataSyncCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { loadInlineHandler } from '../inline-handler';

/*
 * The sync health monitor's handler (src/monitor/handler.js), run from the text embedded in the
 * template, against mocked SSM and CloudWatch clients.
 */
const ssm = mockClient(SSMClient);
const cw = mockClient(CloudWatchClient);
/** What the handler puts to S3 (a member's sync health report), through an SDK-shaped module. */
const puts: Array<{ region: string; input: any }> = [];
const s3Module = {
  S3Client: class {
    constructor(private readonly config: { region: string }) {}
    async send(c: any) { puts.push({ region: this.config.region, input: c.input }); return {}; }
  },
  PutObjectCommand: class { constructor(public readonly input: any) {} },
};
const handler = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'monitor'), { '@aws-sdk/client-s3': s3Module });
const sleeps: number[] = [];
handler.sleep = async (ms: number) => { sleeps.push(ms); };

const NOW = Date.parse('2026-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3600_000);

function syncs(toDestination: any[], fromSource: any[] = []): void {
  ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncToDestination' }).resolves({ ResourceDataSyncItems: toDestination });
  ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncFromSource' }).resolves({ ResourceDataSyncItems: fromSource });
}

function published(): any[] {
  return cw.commandCalls(PutMetricDataCommand).flatMap(c => c.args[0].input.MetricData!.map(d => ({ ...d, Namespace: c.args[0].input.Namespace })));
}

function metric(name: string, syncName?: string): any {
  return published().find(d => d.MetricName === name && (syncName === undefined ? !d.Dimensions : d.Dimensions?.[0]?.Value === syncName));
}

beforeEach(() => {
  ssm.reset();
  cw.reset();
  sleeps.length = 0;
  jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'setImmediate', 'nextTick'] });
  process.env.NAMESPACE = 'ResourceDataSync';
  process.env.SYNC_NAMES = '';
  process.env.PER_SYNC = 'false';
  delete process.env.REPORT;
  puts.length = 0;
});
afterEach(() => jest.useRealTimers());

test('success: 0 failed, hours since the last successful sync', async () => {
  syncs([{ SyncName: 'inventory', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(2), SyncCreatedTime: hoursAgo(100) }]);
  const result = await handler.handler();
  expect(published()).toEqual([
    { Namespace: 'ResourceDataSync', MetricName: 'FailedSyncs', Value: 0, Unit: 'Count' },
    { Namespace: 'ResourceDataSync', MetricName: 'HoursSinceLastSuccessfulSync', Value: 2, Unit: 'None' },
  ]);
  expect(result.syncs).toEqual([{ name: 'inventory', type: 'SyncToDestination', status: 'Successful', failed: false, hours: 2 }]);
  expect(ssm.commandCalls(ListResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([
    { SyncType: 'SyncToDestination', MaxResults: 50 }, { SyncType: 'SyncFromSource', MaxResults: 50 },
  ]);
});

test('failure: counted, and the staleness goes on from the last success', async () => {
  syncs([
    { SyncName: 'inventory', LastStatus: 'Failed', LastSyncStatusMessage: 'S3 write failed', LastSuccessfulSyncTime: hoursAgo(30) },
    { SyncName: 'other', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(1) },
  ]);
  await handler.handler();
  expect(metric('FailedSyncs').Value).toBe(1);
  expect(metric('HoursSinceLastSuccessfulSync').Value).toBe(30);
});

test('in progress: not failed', async () => {
  syncs([{ SyncName: 'inventory', LastStatus: 'InProgress', LastSuccessfulSyncTime: hoursAgo(5) }]);
  await handler.handler();
  expect(metric('FailedSyncs').Value).toBe(0);
  expect(metric('HoursSinceLastSuccessfulSync').Value).toBe(5);
});

test('never synced: stale since its creation', async () => {
  syncs([{ SyncName: 'inventory', SyncCreatedTime: hoursAgo(50) }]);
  const result = await handler.handler();
  expect(metric('FailedSyncs').Value).toBe(0);
  expect(metric('HoursSinceLastSuccessfulSync').Value).toBe(50);
  expect(result.syncs[0].status).toBe('None');
});

test('Explorer syncs: failed by status or an organization state that cannot sync; no staleness', async () => {
  syncs([], [
    { SyncName: 'ops', SyncSource: { SourceType: 'AwsOrganizations', State: 'TrustedAccessDisabled' } },
    { SyncName: 'ops2', LastStatus: 'Failed' },
    { SyncName: 'ops3' },
  ]);
  await handler.handler();
  expect(metric('FailedSyncs').Value).toBe(2);
  expect(metric('HoursSinceLastSuccessfulSync')).toBeUndefined();
});

test('paging: every page of both types', async () => {
  ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncToDestination', NextToken: undefined }).resolves({ ResourceDataSyncItems: [{ SyncName: 'a', LastStatus: 'Failed' }], NextToken: 't1' });
  ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncToDestination', NextToken: 't1' }).resolves({ ResourceDataSyncItems: [{ SyncName: 'b', LastStatus: 'Failed' }] });
  ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncFromSource' }).resolves({ ResourceDataSyncItems: [{ SyncName: 'c', LastStatus: 'Failed' }] });
  await handler.handler();
  expect(ssm.commandCalls(ListResourceDataSyncCommand).map(c => [c.args[0].input.SyncType, c.args[0].input.NextToken]))
    .toEqual([['SyncToDestination', undefined], ['SyncToDestination', 't1'], ['SyncFromSource', undefined]]);
  expect(metric('FailedSyncs').Value).toBe(3);
});

test('throttling: retried with backoff, then published', async () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  ssm.on(ListResourceDataSyncCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ ResourceDataSyncItems: [] });
  cw.on(PutMetricDataCommand).rejectsOnce(Object.assign(new Error('slow down'), { name: 'Throttling' })).resolves({});
  await handler.handler();
  expect(sleeps).toEqual([500, 1000, 500]);
  expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(2);
});

test('throttling that does not stop, or another error, fails the run (no data: the failed alarm goes off)', async () => {
  ssm.on(ListResourceDataSyncCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  await expect(handler.handler()).rejects.toThrow('Rate exceeded');
  expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  ssm.reset();
  ssm.on(ListResourceDataSyncCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  await expect(handler.handler()).rejects.toThrow('denied');
  expect(cw.calls()).toHaveLength(0);
});

test('watched syncs only; a watched sync that is gone counts as failed; per-sync metrics', async () => {
  process.env.SYNC_NAMES = JSON.stringify(['inventory', 'deleted']);
  process.env.PER_SYNC = 'true';
  process.env.NAMESPACE = 'Custom/Syncs';
  syncs([
    { SyncName: 'inventory', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(3) },
    { SyncName: 'not-watched', LastStatus: 'Failed' },
  ]);
  const result = await handler.handler();
  expect(result.missing).toEqual(['deleted']);
  expect(published()).toEqual([
    { Namespace: 'Custom/Syncs', MetricName: 'FailedSyncs', Value: 1, Unit: 'Count' },
    { Namespace: 'Custom/Syncs', MetricName: 'HoursSinceLastSuccessfulSync', Value: 3, Unit: 'None' },
    { Namespace: 'Custom/Syncs', MetricName: 'SyncFailed', Dimensions: [{ Name: 'SyncName', Value: 'inventory' }], Value: 0, Unit: 'Count' },
    { Namespace: 'Custom/Syncs', MetricName: 'HoursSinceLastSuccessfulSync', Dimensions: [{ Name: 'SyncName', Value: 'inventory' }], Value: 3, Unit: 'None' },
    { Namespace: 'Custom/Syncs', MetricName: 'SyncFailed', Dimensions: [{ Name: 'SyncName', Value: 'deleted' }], Value: 1, Unit: 'Count' },
  ]);
});

test('no sync at all: 0 failed, no staleness metric', async () => {
  syncs([]);
  await handler.handler();
  expect(published()).toEqual([{ Namespace: 'ResourceDataSync', MetricName: 'FailedSyncs', Value: 0, Unit: 'Count' }]);
});

test('a member\'s report: every sync of the account and Region (watched or not), the slots in use, to the central bucket\'s Region', async () => {
  process.env.SYNC_NAMES = JSON.stringify(['inventory']);
  process.env.REPORT = JSON.stringify({ bucket: 'org-inventory', region: 'eu-west-1', key: 'inv/sync-health/222222222222-us-east-1.json', account: '222222222222' });
  process.env.AWS_REGION = 'us-east-1';
  syncs([
    { SyncName: 'inventory', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(2) },
    { SyncName: 'InspectorResourceDataSync-do-not-delete', LastStatus: 'Failed', LastSuccessfulSyncTime: hoursAgo(30) },
  ], [{ SyncName: 'AWS-QuickSetup-ManagedNode' }]);
  await handler.handler();
  expect(puts).toHaveLength(1);
  expect(puts[0].region).toBe('eu-west-1');
  expect(puts[0].input).toMatchObject({ Bucket: 'org-inventory', Key: 'inv/sync-health/222222222222-us-east-1.json' });
  const rows = puts[0].input.Body.split('\n').map((l: string) => JSON.parse(l));
  const common = { accountid: '222222222222', region: 'us-east-1', inuse: 3, checkedat: new Date(NOW).toISOString() };
  expect(rows).toEqual([
    { ...common, name: 'inventory', type: 'SyncToDestination', status: 'Successful', failed: false, hours: 2 },
    { ...common, name: 'InspectorResourceDataSync-do-not-delete', type: 'SyncToDestination', status: 'Failed', failed: true, hours: 30 },
    { ...common, name: 'AWS-QuickSetup-ManagedNode', type: 'SyncFromSource', status: 'None', failed: false },
  ]);
  // The metrics still count the watched sync only.
  expect(metric('FailedSyncs').Value).toBe(0);
});

test('no REPORT: nothing is written to S3', async () => {
  syncs([{ SyncName: 'inventory', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(2) }]);
  await handler.handler();
  expect(puts).toEqual([]);
});

test('each organization state that cannot sync fails an Explorer sync; a sync that can is not failed', async () => {
  const states = ['OrganizationNotExists', 'NoPermissions', 'InvalidOrganizationalUnit', 'TrustedAccessDisabled'];
  syncs([], [
    ...states.map(State => ({ SyncName: State, LastStatus: 'Successful', SyncSource: { SourceType: 'AwsOrganizations', State } })),
    { SyncName: 'valid', LastStatus: 'Successful', SyncSource: { SourceType: 'AwsOrganizations', State: 'Valid' } },
  ]);
  const result = await handler.handler();
  expect(result.syncs.filter((s: any) => s.failed).map((s: any) => s.name)).toEqual(states);
  expect(metric('FailedSyncs').Value).toBe(4);
});

test('an Explorer sync has no staleness, even with the timestamps an Inventory sync has', async () => {
  process.env.PER_SYNC = 'true';
  syncs([], [{ SyncName: 'ops', LastStatus: 'Successful', LastSuccessfulSyncTime: hoursAgo(7), SyncCreatedTime: hoursAgo(90) }]);
  const result = await handler.handler();
  expect(result.syncs).toEqual([{ name: 'ops', type: 'SyncFromSource', status: 'Successful', failed: false, hours: undefined }]);
  expect(published()).toEqual([
    { Namespace: 'ResourceDataSync', MetricName: 'FailedSyncs', Value: 0, Unit: 'Count' },
    { Namespace: 'ResourceDataSync', MetricName: 'SyncFailed', Dimensions: [{ Name: 'SyncName', Value: 'ops' }], Value: 0, Unit: 'Count' },
  ]);
});

test('several watched syncs that all exist: none missing', async () => {
  process.env.SYNC_NAMES = JSON.stringify(['a', 'b']);
  syncs([{ SyncName: 'a', LastStatus: 'Successful' }, { SyncName: 'b', LastStatus: 'Successful' }]);
  const result = await handler.handler();
  expect(result.missing).toEqual([]);
  expect(metric('FailedSyncs').Value).toBe(0);
});

test('a page without ResourceDataSyncItems (the API leaves an empty list out) is no sync', async () => {
  ssm.on(ListResourceDataSyncCommand).resolves({});
  const result = await handler.handler();
  expect(result.syncs).toEqual([]);
  expect(metric('FailedSyncs').Value).toBe(0);
});

test('metrics go to CloudWatch in requests of at most 500 data points, none empty', async () => {
  process.env.PER_SYNC = 'true';
  const explorer = (n: number) => Array.from({ length: n }, (_, i) => ({ SyncName: `ops-${i}`, LastStatus: 'Successful' }));
  // FailedSyncs and one SyncFailed per sync: 500 data points, then 501.
  syncs([], explorer(499));
  await handler.handler();
  expect(cw.commandCalls(PutMetricDataCommand).map(c => c.args[0].input.MetricData!.length)).toEqual([500]);
  cw.reset();
  syncs([], explorer(500));
  await handler.handler();
  expect(cw.commandCalls(PutMetricDataCommand).map(c => c.args[0].input.MetricData!.length)).toEqual([500, 1]);
  expect(published().filter(d => d.MetricName === 'SyncFailed')).toHaveLength(500);
});

test('the backoff waits: its sleep resolves only once the time has passed', async () => {
  jest.useFakeTimers({ now: NOW });
  const fresh = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'monitor'));
  let done = false;
  const sleep = fresh.sleep(500).then(() => { done = true; });
  jest.advanceTimersByTime(499);
  await Promise.resolve();
  expect(done).toBe(false);
  jest.advanceTimersByTime(1);
  await sleep;
  expect(done).toBe(true);
});
