import { CfnParameter, Size, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryColumn, InventoryDatabase, InventoryDatabaseProps, InventoryType, ResourceDataSync } from '../../src';
import { checkBytesScannedCutoff, checkDatabaseName, checkTypes, checkWorkGroupName, MIN_BYTES_SCANNED_CUTOFF } from '../../src/query/query-validation';
import { newApp, synthErrors } from '../util';

/*
 * The synth-time rules of the query layer: the boundaries of each rule, value by value (the
 * functions called directly), and what a user sees of them on an InventoryDatabase (a few stacks).
 */

const ENV = { account: '111122223333', region: 'us-east-1' };

/** The problems of one custom type with `columns`. */
const columnProblems = (...columns: InventoryColumn[]) => checkTypes([InventoryType.custom('Custom:Rack', columns)]);

/** A string known only at deploy time. */
const token = () => Token.asString({ Ref: 'Name' });

describe('types', () => {
  test('an empty list is a problem: give a type, or leave types out for the defaults', () => {
    expect(checkTypes([])).toEqual(['types is empty; give at least one InventoryType, or leave types out for InventoryType.defaults().']);
  });

  test('the AWS types and a well-formed custom type are valid', () => {
    expect(checkTypes(InventoryType.all())).toEqual([]);
    expect(checkTypes([InventoryType.APPLICATION, InventoryType.custom('Custom:Rack', [{ attributeName: 'Location' }])])).toEqual([]);
  });

  test('an unknown type name: the message lists every AWS type, joined by ", "', () => {
    const [problem, ...rest] = checkTypes([InventoryType.fromTypeName('AWS:Registry')]);
    expect(rest).toEqual([]);
    expect(problem).toBe(`types: "AWS:Registry" is not an AWS inventory type; use one of ${InventoryType.all().map(t => t.typeName).join(', ')}, `
      + 'or InventoryType.custom with a Custom:<Name> type name and its columns for a custom type.');
    expect(problem).toContain('use one of AWS:Application, AWS:AWSComponent, AWS:File, ');
  });

  test.each([
    ['Custom:R', true], ['Custom:Rack_Info-2.0', true], ['Custom: and 93 characters', true, `Custom:${'a'.repeat(93)}`],
    ['Custom:', false], ['Custom: and 94 characters', false, `Custom:${'a'.repeat(94)}`], ['Rack', false],
    // Something before "Custom:", or after the valid part.
    ['MyCustom:Rack', false], [' Custom:Rack', false], ['Custom:Rack!', false], ['Custom:Rack Info', false], ['Custom:Rack\n', false],
  ])('custom type name %j valid: %s', (label, valid, name = label) => {
    const problems = checkTypes([InventoryType.custom(name, [{ attributeName: 'Location' }])]);
    expect(problems).toEqual(valid ? [] : [
      `types: the custom type name ${JSON.stringify(name)} is not "Custom:" followed by 1 to 93 letters, digits, "_", "-" or "."; use for example "Custom:RackInfo".`,
    ]);
  });

  test('the same type listed twice is a problem, once', () => {
    expect(checkTypes([InventoryType.APPLICATION, InventoryType.TAG, InventoryType.fromTypeName('AWS:Application')]))
      .toEqual(['types lists "AWS:Application" twice; list each type once.']);
    const rack = InventoryType.custom('Custom:Rack', [{ attributeName: 'Location' }]);
    expect(checkTypes([rack, rack])).toEqual(['types lists "Custom:Rack" twice; list each type once.']);
  });

  test('two custom types that map to one table name are a problem naming both and the table', () => {
    const dot = InventoryType.custom('Custom:Rack.Info', [{ attributeName: 'Location' }]);
    const dash = InventoryType.custom('Custom:Rack-Info', [{ attributeName: 'Location' }]);
    expect(checkTypes([dot, dash])).toEqual([
      'types: "Custom:Rack.Info" and "Custom:Rack-Info" would both be the table "custom_rack_info"; rename one of the custom types.',
    ]);
  });
});

describe('columns of a custom type', () => {
  const attributeProblem = (name: unknown) =>
    `types: "Custom:Rack" has the attribute name ${JSON.stringify(name)}; an inventory attribute name is 1 to 64 characters.`;

  test.each([
    [1, true], [64, true], [0, false], [65, false],
  ])('an attribute name %d characters long valid: %s', (length, valid) => {
    const name = 'A'.repeat(length);
    expect(columnProblems({ attributeName: name })).toEqual(valid ? [] : [attributeProblem(name)]);
  });

  test('a column without an attribute name (JavaScript, no type check) is the attribute-name problem, not a crash', () => {
    expect(columnProblems({} as InventoryColumn)).toEqual(['types: "Custom:Rack" has the attribute name undefined; an inventory attribute name is 1 to 64 characters.']);
  });

  test('a token attribute name or columnName is not judged', () => {
    expect(columnProblems({ attributeName: token() })).toEqual([]);
    expect(columnProblems({ attributeName: 'Location', columnName: token() })).toEqual([]);
    expect(columnProblems({ attributeName: token(), columnName: 'location' })).toEqual([]);
  });

  test.each([
    // [attribute, columnName, column name in the message, the suggested columnName]
    ['1abc', undefined, '1abc', '_1abc'],
    ['Disk-2', undefined, 'disk-2', 'disk_2'],
    ['Rack Location', undefined, 'rack location', 'rack_location'],
    ['Location', '9lives', '9lives', '_9lives'],
    ['Location', 'Location', 'Location', 'location'],
  ])('attribute %j, columnName %j: column %j is no Glue/Athena column name; the fix is %j', (attributeName, columnName, name, fix) => {
    expect(columnProblems({ attributeName, columnName })).toEqual([
      `types: "Custom:Rack" column "${name}" (attribute "${attributeName}") is not a valid Glue/Athena column name; use lower-case letters, `
      + `digits and "_", starting with a letter or "_" (give columnName, for example "${fix}").`,
    ]);
  });

  test.each([
    ['_1abc'], ['a1'], ['255 characters', 'x'.repeat(255)],
  ])('column name %j is valid', (label, columnName = label) => {
    expect(columnProblems({ attributeName: 'Location', columnName })).toEqual([]);
  });

  test.each(['accountid', 'region', 'resourcetype'])('a column named like the partition column %j collides with it', partition => {
    const problem = `types: "Custom:Rack" column "${partition}" collides with the partition column of the same name (the key layout's accountid=, `
      + `region=, resourcetype= folders); give the attribute another columnName, for example "${partition}attribute".`;
    // By its attribute name in any case, or by its columnName.
    expect(columnProblems({ attributeName: partition.toUpperCase() })).toEqual([problem]);
    expect(columnProblems({ attributeName: 'Location', columnName: partition })).toEqual([problem]);
    // Renamed, it is valid.
    expect(columnProblems({ attributeName: partition, columnName: `${partition}attribute` })).toEqual([]);
  });

  test('two columns of one name, without regard to case, are a problem; so is a column named like a record column', () => {
    const duplicate = (name: string) => `types: "Custom:Rack" has two columns named "${name}"; column names must be unique without regard to case.`;
    expect(columnProblems({ attributeName: 'Rack' }, { attributeName: 'rack' })).toEqual([duplicate('rack')]);
    expect(columnProblems({ attributeName: 'Rack' }, { attributeName: 'Location', columnName: 'rack' })).toEqual([duplicate('rack')]);
    expect(columnProblems({ attributeName: 'ResourceId' })).toEqual([duplicate('resourceid')]);
    expect(columnProblems({ attributeName: 'CaptureTime' }, { attributeName: 'SchemaVersion' })).toEqual([duplicate('capturetime'), duplicate('schemaversion')]);
    expect(columnProblems({ attributeName: 'Rack' }, { attributeName: 'Rack', columnName: 'rack2' })).toEqual([]);
  });
});

describe('bytesScannedCutoffPerQuery', () => {
  test('at least Athena\'s minimum of 10,000,000 bytes; one byte less is a problem naming the size and the fix', () => {
    expect(MIN_BYTES_SCANNED_CUTOFF).toBe(10_000_000);
    expect(checkBytesScannedCutoff(Size.bytes(10_000_000))).toEqual([]);
    expect(checkBytesScannedCutoff(Size.mebibytes(10))).toEqual([]);
    expect(checkBytesScannedCutoff(Size.gibibytes(10))).toEqual([]);
    expect(checkBytesScannedCutoff(undefined)).toEqual([]);
    expect(checkBytesScannedCutoff(Size.bytes(9_999_999))).toEqual([
      'bytesScannedCutoffPerQuery is 9999999 bytes; Athena\'s smallest per-query limit is 10000000 bytes (10 MB). Use at least Size.mebibytes(10).',
    ]);
  });

  test('a token size is not judged', () => {
    expect(checkBytesScannedCutoff(Size.bytes(Token.asNumber({ Ref: 'Cutoff' })))).toEqual([]);
  });
});

describe('databaseName', () => {
  const problem = (name: string, fix: string) =>
    `databaseName ${JSON.stringify(name)} is not a name Athena can query; use 1 to 255 lower-case letters, digits and "_", for example "${fix}".`;

  test.each([
    ['a'], ['ssm_inventory_2'], ['1'], ['255 characters', 'a'.repeat(255)],
  ])('%j is valid', (label, name = label) => {
    expect(checkDatabaseName(name)).toEqual([]);
  });

  test.each([
    ['My-Inventory', 'my_inventory'],
    ['-inventory', '_inventory'],
    ['inventory-', 'inventory_'],
    ['inventory\n', 'inventory_'],
    ['', 'ssm_inventory'],
    ['256 characters', '255 of them', 'a'.repeat(256), 'a'.repeat(255)],
    // A long invalid name's fix is cut to 255 characters.
    ['Inventory- and 300 characters', 'inventory_ and 245 of them', `Inventory-${'x'.repeat(300)}`, `inventory_${'x'.repeat(245)}`],
  ])('%j is a problem; the fix is %j', (label, fixLabel, name = label, fix = fixLabel) => {
    expect(checkDatabaseName(name)).toEqual([problem(name, fix)]);
  });

  test('a token name, or none, is not judged', () => {
    expect(checkDatabaseName(token())).toEqual([]);
    expect(checkDatabaseName(undefined)).toEqual([]);
  });
});

describe('workGroupName', () => {
  const problem = (name: string) =>
    `workGroupName ${JSON.stringify(name)} is not a valid Athena work group name; use 1 to 128 letters, digits, ".", "_" and "-".`;

  test.each([
    ['a'], ['Inventory.Queries_2-a'], ['-'], ['128 characters', 'x'.repeat(128)],
  ])('%j is valid', (label, name = label) => {
    expect(checkWorkGroupName(name)).toEqual([]);
  });

  test.each([
    [''], ['!queries'], ['queries!'], ['queries\n'], ['my queries'], ['!'], ['129 characters', 'x'.repeat(129)],
  ])('%j is a problem', (label, name = label) => {
    expect(checkWorkGroupName(name)).toEqual([problem(name)]);
  });

  test('a token name, or none, is not judged', () => {
    expect(checkWorkGroupName(token())).toEqual([]);
    expect(checkWorkGroupName(undefined)).toEqual([]);
  });
});

describe('on an InventoryDatabase', () => {
  /** A stack with a database over one sync, with `props`. */
  const build = (props: (stack: Stack) => Partial<InventoryDatabaseProps>) => {
    const stack = new Stack(newApp(), 'Db', { env: ENV });
    new InventoryDatabase(stack, 'Query', { sync: new ResourceDataSync(stack, 'Inventory'), ...props(stack) });
    return stack;
  };

  test('bad names, an empty types list and a scan limit one byte below the minimum are reported together at synth', () => {
    const message = synthErrors(build(() => ({
      types: [], databaseName: 'Inventory', workGroupName: 'my queries', bytesScannedCutoffPerQuery: Size.bytes(9_999_999),
    })));
    expect(message).toContain('[Db/Query] types is empty; give at least one InventoryType');
    expect(message).toContain('databaseName "Inventory" is not a name Athena can query; use 1 to 255 lower-case letters, digits and "_", for example "inventory"');
    expect(message).toContain('workGroupName "my queries" is not a valid Athena work group name');
    expect(message).toContain('bytesScannedCutoffPerQuery is 9999999 bytes');
  });

  test('names and a scan limit at the boundaries synthesize, as given', () => {
    const stack = build(() => ({ databaseName: 'd'.repeat(255), workGroupName: 'w'.repeat(128), bytesScannedCutoffPerQuery: Size.bytes(10_000_000) }));
    expect(synthErrors(stack)).toBe('');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'd'.repeat(255) } });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'w'.repeat(128), WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 10_000_000 },
    });
  });

  test('names and a scan limit known only at deploy time (parameters) are not judged', () => {
    const stack = build(s => ({
      databaseName: new CfnParameter(s, 'DatabaseName').valueAsString,
      workGroupName: new CfnParameter(s, 'WorkGroupName').valueAsString,
      bytesScannedCutoffPerQuery: Size.bytes(new CfnParameter(s, 'Cutoff', { type: 'Number' }).valueAsNumber),
    }));
    expect(synthErrors(stack)).toBe('');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: { Ref: 'DatabaseName' } } });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: { Ref: 'WorkGroupName' }, WorkGroupConfiguration: { BytesScannedCutoffPerQuery: { Ref: 'Cutoff' } },
    });
  });
});
