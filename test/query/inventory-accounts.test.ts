import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryAccounts, InventoryBucket, InventoryDatabase } from '../../src';
import { newApp, synthErrors } from '../util';

/*
 * How InventoryAccounts projects the accountid partition, over a destination whose own default
 * would be another: a bucket that listed accounts write into (whose default is their enum).
 */
function database(accounts: InventoryAccounts): Stack {
  const stack = new Stack(newApp(), 'Accounts', { env: { account: '111122223333', region: 'us-east-1' } });
  const destination = new InventoryBucket(stack, 'Central', { sourceAccounts: ['444455556666'] });
  new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, accounts, regions: ['us-east-1'] });
  return stack;
}

/** The Glue tables of a stack, by name. */
const tables = (stack: Stack) => Object.fromEntries(Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table'))
  .map(t => [t.Properties.TableInput.Name, t.Properties.TableInput]));

test('organization(): accountid injected, and an _all view per type, where the destination\'s default would list its accounts', () => {
  const listedByDefault = tables(database(InventoryAccounts.listed(['111122223333', '444455556666'])));
  expect(listedByDefault.aws_application.Parameters['projection.accountid.type']).toBe('enum');
  const organization = tables(database(InventoryAccounts.organization()));
  expect(organization.aws_application.Parameters['projection.accountid.type']).toBe('injected');
  expect(organization.aws_application.Parameters['projection.accountid.values']).toBeUndefined();
  expect(organization.aws_application_all.TableType).toBe('VIRTUAL_VIEW');
});

test('listed(accounts): their enum, as given', () => {
  const listed = tables(database(InventoryAccounts.listed(['444455556666', '111122223333'])));
  expect(listed.aws_application.Parameters).toMatchObject({ 'projection.accountid.type': 'enum', 'projection.accountid.values': '444455556666,111122223333' });
  expect(listed.aws_application_all).toBeUndefined();
});

test.each([
  ['an empty list', []],
  ['no list at all (JavaScript, where no type checks)', undefined],
])('listed() with %s: the error that asks for an account, not a crash', (_, accounts) => {
  expect(synthErrors(database(InventoryAccounts.listed(accounts as any)))).toContain(
    '[Accounts/Query] accounts lists no account; list at least one, or use InventoryAccounts.organization().');
});
