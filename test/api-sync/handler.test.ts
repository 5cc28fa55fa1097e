import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateResourceDataSyncCommand, DeleteResourceDataSyncCommand, ListResourceDataSyncCommand, SSMClient, UpdateResourceDataSyncCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { loadInlineHandler } from '../inline-handler';

/*
 * The custom resource handler of API syncs (src/api-sync/handler.js), run from the text embedded in
 * the template, against a mocked SSM client. CloudFormation's response is captured.
 */
const ssm = mockClient(SSMClient);
const cfn = mockClient(CloudFormationClient);
const handler = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'api-sync'));
handler.delay = 0;
let responses: any[];

function error(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

const DESTINATION = {
  ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:handler',
  ServiceTimeout: '600',
  SyncName: 'inventory-1a2b3c4d',
  SyncType: 'SyncToDestination',
  S3Destination: {
    BucketName: 'central-inventory',
    Prefix: 'inventory',
    SyncFormat: 'JsonSerDe',
    Region: 'us-east-1',
    DestinationDataSharing: { DestinationDataSharingType: 'Organization' },
  },
};
const EXPLORER = {
  ServiceToken: DESTINATION.ServiceToken,
  SyncName: 'opsdata-1a2b3c4d',
  SyncType: 'SyncFromSource',
  // As CloudFormation delivers them: booleans as strings.
  SyncSource: { SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1'], IncludeFutureRegions: 'false', EnableAllOpsDataSources: 'true' },
};
const { ServiceToken: _t, ServiceTimeout: _s, ...DESTINATION_REQUEST } = DESTINATION;
/** A sync as ListResourceDataSync lists it: the request, with booleans. */
const request = (props: any) => handler.request(props);

function event(requestType: string, props: any, extra: any = {}): any {
  return {
    RequestType: requestType,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/x',
    StackId: 'stack',
    RequestId: 'req-1',
    LogicalResourceId: 'SyncApiResource',
    ResourceType: 'Custom::SSMResourceDataSync',
    ResourceProperties: props,
    ...extra,
  };
}

function listing(...items: any[]): any {
  return { ResourceDataSyncItems: items };
}

beforeEach(() => {
  ssm.reset();
  cfn.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'stack', CreationTime: new Date(), StackStatus: 'UPDATE_IN_PROGRESS' }] });
  responses = [];
  handler.respond = jest.fn(async (_e: any, status: string, id: string, reason: string) => { responses.push({ status, id, reason }); });
});

describe('create', () => {
  test('sends the API request (no ServiceToken), waits for the first status and answers with the sync name', async () => {
    ssm.on(ListResourceDataSyncCommand).resolvesOnce(listing({ SyncName: DESTINATION.SyncName }))
      .resolves(listing({ SyncName: 'other', LastStatus: 'Failed' }, { SyncName: DESTINATION.SyncName, LastStatus: 'Successful' }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([DESTINATION_REQUEST]);
    expect(ssm.commandCalls(ListResourceDataSyncCommand)[0].args[0].input).toEqual({ SyncType: 'SyncToDestination', MaxResults: 50 });
    expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(2);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'status Successful' }]);
  });

  test('a first sync that fails fails the deploy, is deleted, and reports an id that is no sync name', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Failed', LastSyncStatusMessage: 'S3 write failed for bucket central-inventory' }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(DeleteResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([{ SyncName: DESTINATION.SyncName, SyncType: 'SyncToDestination' }]);
    expect(responses).toEqual([{ status: 'FAILED', id: 'failed-req-1', reason: 'Error: The first sync failed: S3 write failed for bucket central-inventory' }]);
  });

  test('in progress is a success', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'InProgress' }));
    await handler.handler(event('Create', DESTINATION));
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'status InProgress' }]);
  });

  test('never synced within the polls: a success (the monitor watches it from then on)', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: DESTINATION.SyncName }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(handler.polls);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'no status yet' }]);
  });

  test('pages through ListResourceDataSync', async () => {
    ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncToDestination', MaxResults: 50, NextToken: undefined }).resolves({ ...listing({ SyncName: 'a' }), NextToken: 'page2' });
    ssm.on(ListResourceDataSyncCommand, { SyncType: 'SyncToDestination', MaxResults: 50, NextToken: 'page2' }).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Successful' }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(ListResourceDataSyncCommand).map(c => c.args[0].input.NextToken)).toEqual([undefined, 'page2']);
    expect(responses[0].status).toBe('SUCCESS');
  });

  test('an Explorer sync: booleans from CloudFormation\'s strings, no status needed', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: EXPLORER.SyncName }));
    await handler.handler(event('Create', EXPLORER));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)[0].args[0].input).toEqual({
      SyncName: EXPLORER.SyncName,
      SyncType: 'SyncFromSource',
      SyncSource: { SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1'], IncludeFutureRegions: false, EnableAllOpsDataSources: true },
    });
    expect(responses).toEqual([{ status: 'SUCCESS', id: EXPLORER.SyncName, reason: 'status undefined' }]);
  });

  test('retries "S3 write failed" while a new bucket policy applies', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejectsOnce(error('ResourceDataSyncInvalidConfigurationException', 'S3 write failed for bucket central-inventory')).resolves({});
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Successful' }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(2);
    expect(responses[0].status).toBe('SUCCESS');
  });

  test('a name taken by another sync fails, and the rollback\'s Delete leaves that sync alone', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejects(error('ResourceDataSyncAlreadyExistsException', 'A sync configuration with the same name already exists.'));
    await handler.handler(event('Create', DESTINATION));
    expect(responses).toEqual([{ status: 'FAILED', id: 'failed-req-1', reason: 'ResourceDataSyncAlreadyExistsException: A sync configuration with the same name already exists.' }]);
    await handler.handler(event('Delete', DESTINATION, { PhysicalResourceId: 'failed-req-1' }));
    expect(ssm.commandCalls(DeleteResourceDataSyncCommand)).toHaveLength(0);
    expect(responses[1]).toEqual({ status: 'SUCCESS', id: 'failed-req-1', reason: 'OK' });
  });

  test('the quota of 5 syncs is a clear failure', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejects(error('ResourceDataSyncCountExceededException', 'You have exceeded the allowed maximum sync configurations.'));
    await handler.handler(event('Create', DESTINATION));
    expect(responses[0].reason).toMatch(/^ResourceDataSyncCountExceededException/);
  });
});


describe('create, past the happy path', () => {
  test('"S3 write failed" for longer than the retries (polls + 1 attempts): the create fails with the service\'s message', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejects(error('ResourceDataSyncInvalidConfigurationException', 'S3 write failed for bucket central-inventory'));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(handler.polls + 1);
    expect(responses).toEqual([{ status: 'FAILED', id: 'failed-req-1', reason: 'ResourceDataSyncInvalidConfigurationException: S3 write failed for bucket central-inventory' }]);
  });

  test('another invalid configuration is not retried', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejects(error('ResourceDataSyncInvalidConfigurationException', 'The KMS key is not valid'));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(1);
    expect(responses[0].status).toBe('FAILED');
  });

  test('a first sync that fails and cannot be deleted: the create reports the sync\'s name, so that the rollback deletes it', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Failed', LastSyncStatusMessage: 'S3 write failed' }));
    ssm.on(DeleteResourceDataSyncCommand).rejects(error('AccessDeniedException', 'not authorized'));
    await handler.handler(event('Create', DESTINATION));
    expect(responses).toEqual([{
      status: 'FAILED', id: DESTINATION.SyncName, reason: `Error: The first sync failed: S3 write failed (${DESTINATION.SyncName} left behind: delete it)`,
    }]);
    await handler.handler(event('Delete', DESTINATION, { PhysicalResourceId: DESTINATION.SyncName }));
    expect(ssm.commandCalls(DeleteResourceDataSyncCommand).map(c => c.args[0].input.SyncName)).toEqual([DESTINATION.SyncName, DESTINATION.SyncName]);
  });

  test('a page of ListResourceDataSync without items (the API leaves an empty list out) is no sync yet', async () => {
    ssm.on(ListResourceDataSyncCommand).resolvesOnce({}).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Successful' }));
    await handler.handler(event('Create', DESTINATION));
    expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(2);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'status Successful' }]);
  });

  test('waits `delay` between the create and each poll', async () => {
    jest.useFakeTimers();
    try {
      const timed = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'api-sync'));
      timed.respond = handler.respond;
      expect(timed.delay).toBe(10_000);
      ssm.on(ListResourceDataSyncCommand).resolvesOnce(listing({ SyncName: DESTINATION.SyncName })).resolves(listing({ SyncName: DESTINATION.SyncName, LastStatus: 'Successful' }));
      const done = timed.handler(event('Create', DESTINATION));
      await jest.advanceTimersByTimeAsync(9_999);
      expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(1);
      expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(10_000);
      await done;
      expect(ssm.commandCalls(ListResourceDataSyncCommand)).toHaveLength(2);
      expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'status Successful' }]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('an Explorer source without the optional flags sends none (the API\'s defaults apply)', () => {
    const { IncludeFutureRegions: _i, EnableAllOpsDataSources: _e, ...source } = EXPLORER.SyncSource;
    expect(request({ ...EXPLORER, SyncSource: source }).SyncSource).toEqual({ SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1'] });
  });

  test('a reason longer than CloudFormation takes is cut to 900 characters', async () => {
    ssm.on(CreateResourceDataSyncCommand).rejects(error('ValidationException', 'x'.repeat(2000)));
    await handler.handler(event('Create', DESTINATION));
    expect(responses).toHaveLength(1);
    const fetch = jest.spyOn(global, 'fetch').mockResolvedValue(new Response(''));
    try {
      const unmocked = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'api-sync'));
      await unmocked.respond(event('Create', DESTINATION), 'FAILED', 'failed-req-1', responses[0].reason);
      const body = JSON.parse((fetch.mock.calls[0][1] as RequestInit).body as string);
      expect(body.Reason).toBe(`ValidationException: ${'x'.repeat(2000)}`.slice(0, 900));
    } finally {
      fetch.mockRestore();
    }
  });
});

describe('update', () => {
  const old = (props: any, extra: any = {}) => ({ PhysicalResourceId: props.SyncName, OldResourceProperties: props, ...extra });

  test('an Explorer source changes in place (UpdateResourceDataSync)', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...request(EXPLORER), LastStatus: 'Successful' }));
    const next = { ...EXPLORER, SyncSource: { ...EXPLORER.SyncSource, SourceRegions: ['us-east-1', 'eu-west-1'], EnableAllOpsDataSources: 'false' } };
    await handler.handler(event('Update', next, old(EXPLORER)));
    expect(ssm.commandCalls(UpdateResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([{
      SyncName: EXPLORER.SyncName,
      SyncType: 'SyncFromSource',
      SyncSource: { SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1', 'eu-west-1'], IncludeFutureRegions: false, EnableAllOpsDataSources: false },
    }]);
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: EXPLORER.SyncName, reason: 'OK' }]);
  });

  test('a new name (a create-only change) creates the new sync; CloudFormation then deletes the old one', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: 'inventory-99999999', LastStatus: 'Successful' }));
    const next = { ...DESTINATION, SyncName: 'inventory-99999999', S3Destination: { ...DESTINATION.S3Destination, Prefix: 'other' } };
    await handler.handler(event('Update', next, old(DESTINATION)));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)[0].args[0].input.SyncName).toBe('inventory-99999999');
    expect(ssm.commandCalls(DeleteResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: 'inventory-99999999', reason: 'OK' }]);
  });

  test('a create-only change under the same name fails clearly and keeps the physical id', async () => {
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...DESTINATION_REQUEST, LastStatus: 'Successful' }));
    const next = { ...DESTINATION, S3Destination: { ...DESTINATION.S3Destination, Prefix: 'other' } };
    await handler.handler(event('Update', next, old(DESTINATION)));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'FAILED', id: DESTINATION.SyncName, reason: expect.stringMatching(/replaces sync inventory-1a2b3c4d: give it a new syncName/) }]);
  });

  test('an Explorer account option (source type) under the same name cannot change in place', async () => {
    const next = { ...EXPLORER, SyncSource: { ...EXPLORER.SyncSource, SourceType: 'AwsOrganizations', AwsOrganizationsSource: { OrganizationSourceType: 'EntireOrganization' } } };
    await handler.handler(event('Update', next, old(EXPLORER)));
    expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses[0].status).toBe('FAILED');
  });

  test('a replacement whose first sync fails and cannot be deleted: the physical id stays the old sync\'s, the reason names the one left behind', async () => {
    const next = { ...DESTINATION, SyncName: 'inventory-99999999', S3Destination: { ...DESTINATION.S3Destination, Prefix: 'other' } };
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ SyncName: next.SyncName, LastStatus: 'Failed', LastSyncStatusMessage: 'S3 write failed' }));
    ssm.on(DeleteResourceDataSyncCommand).rejects(error('AccessDeniedException', 'not authorized'));
    await handler.handler(event('Update', next, old(DESTINATION)));
    expect(responses).toEqual([{
      status: 'FAILED', id: DESTINATION.SyncName, reason: 'Error: The first sync failed: S3 write failed (inventory-99999999 left behind: delete it)',
    }]);
  });

  test('the same sync with its keys in another order is no change', async () => {
    const reordered = { ...DESTINATION, S3Destination: Object.fromEntries(Object.entries(DESTINATION.S3Destination).reverse()) };
    await handler.handler(event('Update', reordered, old(DESTINATION)));
    expect(ssm.calls()).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'OK' }]);
  });

  test.each([
    ['source type', { SourceType: 'AwsOrganizations', AwsOrganizationsSource: { OrganizationSourceType: 'EntireOrganization' } }],
    ['organization source type', { AwsOrganizationsSource: { OrganizationSourceType: 'OrganizationalUnits', OrganizationalUnits: [{ OrganizationalUnitId: 'ou-ab12-cdef3456' }] } }],
  ])('an Explorer sync whose %s changes under the same name: a clear failure, nothing updated', async (what, change) => {
    const before = { ...EXPLORER, SyncSource: { ...EXPLORER.SyncSource, SourceType: 'AwsOrganizations', AwsOrganizationsSource: { OrganizationSourceType: 'EntireOrganization' } } };
    const from = what === 'source type' ? EXPLORER : before;
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...request(from), LastStatus: 'Successful' }));
    const next = { ...from, SyncSource: { ...from.SyncSource, ...change } };
    await handler.handler(event('Update', next, old(from)));
    expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'FAILED', id: EXPLORER.SyncName, reason: expect.stringMatching(/replaces sync opsdata-1a2b3c4d: give it a new syncName/) }]);
  });

  test('a sync deleted outside CloudFormation is made again on the next update', async () => {
    ssm.on(ListResourceDataSyncCommand).resolvesOnce(listing()).resolves(listing({ ...request(EXPLORER), LastStatus: 'Successful' }));
    const next = { ...EXPLORER, SyncSource: { ...EXPLORER.SyncSource, SourceRegions: ['eu-west-1'] } };
    await handler.handler(event('Update', next, old(EXPLORER)));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([request(next)]);
    expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: EXPLORER.SyncName, reason: 'OK' }]);
  });

  test('the rollback of a replacement that failed (the physical id is still the old name): nothing to call for a destination sync', async () => {
    const failed = { ...DESTINATION, SyncName: 'inventory-99999999', S3Destination: { ...DESTINATION.S3Destination, Prefix: 'other' } };
    ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...DESTINATION_REQUEST, LastStatus: 'Successful' }));
    await handler.handler(event('Update', DESTINATION, { PhysicalResourceId: DESTINATION.SyncName, OldResourceProperties: failed }));
    expect(ssm.commandCalls(CreateResourceDataSyncCommand)).toHaveLength(0);
    expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'OK' }]);
  });

  describe('the rollback of a replacement that succeeded (the old sync still exists under its name)', () => {
    const replaced = { ...EXPLORER, SyncName: 'opsdata-99999999', SyncSource: { ...EXPLORER.SyncSource, SourceRegions: ['eu-west-1'] } };
    const rollback = () => event('Update', EXPLORER, { PhysicalResourceId: replaced.SyncName, OldResourceProperties: replaced });
    const taken = () => ssm.on(CreateResourceDataSyncCommand).rejects(error('ResourceDataSyncAlreadyExistsException', 'A sync configuration with the same name already exists.'));
    const status = (StackStatus: string) => cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'stack', CreationTime: new Date(), StackStatus }] });

    test('in a rollback, the same sync is taken back, its source as the template says', async () => {
      taken();
      status('UPDATE_ROLLBACK_IN_PROGRESS');
      ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...request(EXPLORER), LastStatus: 'Successful' }));
      await handler.handler(rollback());
      expect(cfn.commandCalls(DescribeStacksCommand).map(c => c.args[0].input)).toEqual([{ StackName: 'stack' }]);
      expect(ssm.commandCalls(UpdateResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([
        { SyncName: EXPLORER.SyncName, SyncType: 'SyncFromSource', SyncSource: request(EXPLORER).SyncSource },
      ]);
      expect(responses).toEqual([{ status: 'SUCCESS', id: EXPLORER.SyncName, reason: 'OK' }]);
    });

    test('in a rollback, another error of the create (throttled past the SDK\'s retries) is a failure: only a name taken means the sync is there', async () => {
      ssm.on(CreateResourceDataSyncCommand).rejects(error('ThrottlingException', 'Rate exceeded'));
      status('UPDATE_ROLLBACK_IN_PROGRESS');
      ssm.on(ListResourceDataSyncCommand).resolves(listing({ ...request(EXPLORER), LastStatus: 'Successful' }));
      await handler.handler(rollback());
      expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
      expect(responses).toEqual([{ status: 'FAILED', id: replaced.SyncName, reason: 'ThrottlingException: Rate exceeded' }]);
    });

    test.each([
      ['not in a rollback', 'UPDATE_IN_PROGRESS', { ...request(EXPLORER) }],
      ['in a rollback, but the sync of that name is another sync', 'UPDATE_ROLLBACK_IN_PROGRESS', { ...request(EXPLORER), SyncType: 'SyncFromSource', SyncSource: { SourceType: 'AwsOrganizations' } }],
      ['in a rollback, but the sync is gone', 'ROLLBACK_IN_PROGRESS', undefined],
    ])('%s: the name taken is a failure, no sync changed', async (_what, stackStatus, listed) => {
      taken();
      status(stackStatus);
      ssm.on(ListResourceDataSyncCommand).resolves(listed ? listing({ ...listed, LastStatus: 'Successful' }) : listing());
      await handler.handler(rollback());
      expect(ssm.commandCalls(UpdateResourceDataSyncCommand)).toHaveLength(0);
      expect(responses).toEqual([{ status: 'FAILED', id: replaced.SyncName, reason: 'ResourceDataSyncAlreadyExistsException: A sync configuration with the same name already exists.' }]);
    });
  });

  test('no change (for example a new service token) calls nothing', async () => {
    await handler.handler(event('Update', { ...DESTINATION, ServiceToken: 'new' }, old(DESTINATION)));
    expect(ssm.calls()).toHaveLength(0);
    expect(responses).toEqual([{ status: 'SUCCESS', id: DESTINATION.SyncName, reason: 'OK' }]);
  });
});

describe('delete', () => {
  test('deletes the sync named by the physical id', async () => {
    await handler.handler(event('Delete', DESTINATION, { PhysicalResourceId: DESTINATION.SyncName }));
    expect(ssm.commandCalls(DeleteResourceDataSyncCommand).map(c => c.args[0].input)).toEqual([{ SyncName: DESTINATION.SyncName, SyncType: 'SyncToDestination' }]);
    expect(responses[0].status).toBe('SUCCESS');
  });

  test('a sync that is already gone is deleted', async () => {
    ssm.on(DeleteResourceDataSyncCommand).rejects(error('ResourceDataSyncNotFoundException'));
    await handler.handler(event('Delete', DESTINATION, { PhysicalResourceId: DESTINATION.SyncName }));
    expect(responses[0].status).toBe('SUCCESS');
  });

  test('any other error fails the delete', async () => {
    ssm.on(DeleteResourceDataSyncCommand).rejects(error('AccessDeniedException', 'not authorized'));
    await handler.handler(event('Delete', DESTINATION, { PhysicalResourceId: DESTINATION.SyncName }));
    expect(responses).toEqual([{ status: 'FAILED', id: DESTINATION.SyncName, reason: 'AccessDeniedException: not authorized' }]);
  });
});

test('the response is a PUT of the documented JSON body to the presigned URL', async () => {
  const fetch = jest.spyOn(global, 'fetch').mockResolvedValue(new Response(''));
  try {
    const unmocked = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'api-sync'));
    await unmocked.respond(event('Create', DESTINATION), 'SUCCESS', 'name', 'OK');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://cloudformation-custom-resource-response.example/x');
    expect(init.method).toBe('PUT');
    // An empty content type: the presigned URL is signed without one.
    expect(init.headers).toEqual({ 'content-type': '' });
    expect(JSON.parse(init.body as string)).toEqual({
      Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: 'name', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'SyncApiResource', Data: { SyncName: 'name' },
    });
  } finally {
    fetch.mockRestore();
  }
});
