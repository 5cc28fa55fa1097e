import * as fs from 'fs';
import * as path from 'path';
import { TRINO_VERSION } from './server';

/*
 * The synthesized Glue catalog, written into Trino's file metastore verbatim: each
 * `AWS::Glue::Database` becomes a schema and each `AWS::Glue::Table` a table (or a view) with its
 * TableInput as the template has it: the table type, the columns and partition keys with their
 * types, every table parameter (the `projection.*` ones and `storage.location.template`, which
 * Trino's partition projection interprets as Athena does), the SerDe class, the input and output
 * formats, every SerDe parameter (`ignore.malformed.json`, `mapping.*`), and a view's text. The only
 * change: an S3 URL `s3://<bucket>/<key>` becomes `local:///<folder>/<key>`, the local folder that
 * stands for the bucket. Nothing about a table is typed again here.
 */

/** A template value with its intrinsics resolved (`Ref` is `ref:<logical id>`, a bucket here). */
export function resolve(value: any): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value?.Ref) return `ref:${value.Ref}`;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
  if (value?.['Fn::Base64'] !== undefined) return Buffer.from(resolve(value['Fn::Base64'])).toString('base64');
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** `s3://<bucket>/<key>` on the local folder that stands for the bucket; other values unchanged. */
function local(value: string, folder: string): string {
  return value.replace(/^s3:\/\/[^/]+\//, `local:///${folder}/`);
}

const columns = (list: any[] | undefined) => (list ?? []).map(c => ({ name: c.Name, type: c.Type, properties: {} }));

/**
 * Writes every database and table of `template` into the file metastore under `dataRoot`, with
 * every bucket read from `dataRoot/<folder>`. Returns the database names. `update`: as
 * CloudFormation updates a deployed stack (UpdateTable): the partitions already registered stay.
 */
export function registerTemplate(dataRoot: string, template: any, folder: string, update = false): string[] {
  const metastore = path.join(dataRoot, 'metastore');
  const resources = Object.values<any>(template.Resources);
  const databases: string[] = [];
  for (const db of resources.filter(r => r.Type === 'AWS::Glue::Database')) {
    const name = resolve(db.Properties.DatabaseInput.Name);
    if (!update) fs.rmSync(path.join(metastore, name), { recursive: true, force: true });
    fs.mkdirSync(path.join(metastore, name), { recursive: true });
    fs.writeFileSync(path.join(metastore, `.${name}.trinoSchema`), JSON.stringify({
      writerVersion: TRINO_VERSION, ownerName: 'test', ownerType: 'USER', parameters: {},
    }));
    databases.push(name);
  }
  for (const table of resources.filter(r => r.Type === 'AWS::Glue::Table')) {
    const input = table.Properties.TableInput;
    const sd = input.StorageDescriptor ?? {};
    const parameters = Object.fromEntries(Object.entries<any>(input.Parameters ?? {}).map(([k, v]) => [k, local(resolve(v), folder)]));
    const metadata: Record<string, unknown> = {
      writerVersion: TRINO_VERSION,
      owner: 'test',
      tableType: input.TableType,
      dataColumns: columns(sd.Columns),
      partitionColumns: columns(input.PartitionKeys),
      parameters,
      originalStorageFormat: sd.SerdeInfo ? {
        serde: sd.SerdeInfo.SerializationLibrary, inputFormat: sd.InputFormat, outputFormat: sd.OutputFormat,
      } : {},
      serdeParameters: Object.fromEntries(Object.entries<any>(sd.SerdeInfo?.Parameters ?? {}).map(([k, v]) => [k, resolve(v)])),
      ...(sd.Location !== undefined ? { externalLocation: local(resolve(sd.Location), folder) } : {}),
      ...(input.ViewOriginalText !== undefined ? { viewOriginalText: resolve(input.ViewOriginalText) } : {}),
      ...(input.ViewExpandedText !== undefined ? { viewExpandedText: resolve(input.ViewExpandedText) } : {}),
      columnStatistics: {},
    };
    const dir = path.join(metastore, resolve(table.Properties.DatabaseName), resolve(input.Name));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.trinoSchema'), JSON.stringify(metadata, undefined, 2));
  }
  return databases;
}
