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
