import { Size, Token } from 'aws-cdk-lib';
import { InventoryColumn, InventoryType, INVENTORY_TYPE_KIND } from './inventory-type';

/*
 * The synth-time rules of the query layer, as small named checks. Like ../validation.ts: each
 * returns one sentence per problem, naming the property, the value and the fix; tokens are never judged.
 */

/** The partition columns of every inventory table, as the key layout names them. */
export const PARTITION_COLUMNS = ['accountid', 'region', 'resourcetype'];
/** The columns every record has besides the type's attributes. */
export const RECORD_COLUMNS: InventoryColumn[] = [
  { attributeName: 'resourceId' }, { attributeName: 'captureTime' }, { attributeName: 'schemaVersion' },
];
/** Athena's smallest per-query data usage control (WorkGroupConfiguration.BytesScannedCutoffPerQuery). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
/*
 * The name patterns are written where they are used, not as module constants: code run when the
 * module loads is "static" to mutation testing (CONTRIBUTING.md, "Mutation testing").
 */

const show = (v: unknown) => JSON.stringify(v);

/** The column name of an attribute. */
export function columnNameOf(column: InventoryColumn): string {
  return column.columnName ?? String(column.attributeName).toLowerCase();
}

/** The types: known, custom ones well formed with valid columns, no two on one table. */
export function checkTypes(types: InventoryType[]): string[] {
  const problems: string[] = [];
  if (types.length === 0) problems.push('types is empty; give at least one InventoryType, or leave types out for InventoryType.defaults().');
  const tables = new Map<string, string>();
  for (const type of types) {
    const name = type.typeName;
    if (type._kind === INVENTORY_TYPE_KIND.UNKNOWN) {
      problems.push(`types: ${show(name)} is not an AWS inventory type; use one of ${InventoryType.all().map(t => t.typeName).join(', ')}, or InventoryType.custom with a Custom:<Name> type name and its columns for a custom type.`);
      continue;
    }
    if (type._kind === INVENTORY_TYPE_KIND.CUSTOM) {
      // `Custom:` and a name (API InventoryItem TypeName: at most 100 characters).
      if (!/^Custom:[A-Za-z0-9_.-]{1,93}$/.test(name)) {
        problems.push(`types: the custom type name ${show(name)} is not "Custom:" followed by 1 to 93 letters, digits, "_", "-" or "."; use for example "Custom:RackInfo".`);
      }
      if (type.columns.length === 0) {
        problems.push(`types: the custom type ${show(name)} has no columns; give InventoryType.custom the attributes its records have as columns (each an InventoryColumn with attributeName, for example Location).`);
      }
      problems.push(...checkColumns(name, type.columns));
    }
    const other = tables.get(type.tableName);
    if (other !== undefined) {
      problems.push(other === name
        ? `types lists ${show(name)} twice; list each type once.`
        : `types: ${show(other)} and ${show(name)} would both be the table ${show(type.tableName)}; rename one of the custom types.`);
    }
    tables.set(type.tableName, name);
  }
  return problems;
}

/** Columns of a custom type: valid names, no partition column, no duplicates. */
function checkColumns(typeName: string, columns: InventoryColumn[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>(RECORD_COLUMNS.map(columnNameOf));
  for (const column of columns) {
    const attribute = column.attributeName;
    if (typeof attribute !== 'string' || attribute.length < 1 || attribute.length > 64) {
      problems.push(`types: ${show(typeName)} has the attribute name ${show(attribute)}; an inventory attribute name is 1 to 64 characters.`);
      continue;
    }
    if (Token.isUnresolved(attribute) || Token.isUnresolved(column.columnName)) continue;
    const name = columnNameOf(column);
    // Glue and Athena column names: lower-case letters, digits and `_`.
    if (!/^[a-z_][a-z0-9_]{0,254}$/.test(name)) {
      problems.push(`types: ${show(typeName)} column ${show(name)} (attribute ${show(attribute)}) is not a valid Glue/Athena column name; use lower-case letters, digits and "_", starting with a letter or "_" (give columnName, for example ${show(name.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^([0-9])/, '_$1'))}).`);
    } else if (PARTITION_COLUMNS.includes(name)) {
      problems.push(`types: ${show(typeName)} column ${show(name)} collides with the partition column of the same name (the key layout's accountid=, region=, resourcetype= folders); give the attribute another columnName, for example ${show(`${name}attribute`)}.`);
    } else if (seen.has(name)) {
      problems.push(`types: ${show(typeName)} has two columns named ${show(name)}; column names must be unique without regard to case.`);
    }
    seen.add(name);
  }
  return problems;
}

/** The per-query scan limit: at least Athena's minimum of 10 MB. */
export function checkBytesScannedCutoff(size: Size | undefined): string[] {
  if (size === undefined) return [];
  const bytes = size.toBytes();
  if (Token.isUnresolved(bytes)) return [];
  if (bytes < MIN_BYTES_SCANNED_CUTOFF) {
    return [`bytesScannedCutoffPerQuery is ${bytes} bytes; Athena's smallest per-query limit is ${MIN_BYTES_SCANNED_CUTOFF} bytes (10 MB). Use at least Size.mebibytes(10).`];
  }
  return [];
}

/** A Glue database name Athena can use (as Athena reads them: lower-case letters, digits and `_`). */
export function checkDatabaseName(name: string | undefined): string[] {
  if (name === undefined || Token.isUnresolved(name) || /^[a-z0-9_]{1,255}$/.test(name)) return [];
  return [`databaseName ${show(name)} is not a name Athena can query; use 1 to 255 lower-case letters, digits and "_", for example ${show(name.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 255) || 'ssm_inventory')}.`];
}

/** An Athena work group name. */
export function checkWorkGroupName(name: string | undefined): string[] {
  if (name === undefined || Token.isUnresolved(name) || /^[a-zA-Z0-9._-]{1,128}$/.test(name)) return [];
  return [`workGroupName ${show(name)} is not a valid Athena work group name; use 1 to 128 letters, digits, ".", "_" and "-".`];
}
