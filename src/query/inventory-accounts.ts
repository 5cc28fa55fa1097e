/**
 * Which accounts' data the inventory tables read, and so how their `accountid` partition is
 * projected.
 *
 * - `listed(accounts)`: an `enum` projection of the accounts. A query across all accounts reads
 *   every listed account's files; a query with `accountid = '...'` reads only that account's.
 *   AWS advises keeping an `enum` projection to a few dozen values: for a whole organization, use
 *   `organization()`.
 * - `organization()`: an `injected` projection, which needs no list: a query must name its
 *   accounts (`accountid = '...'` or `IN (...)`) and reads only their files. For queries across
 *   all accounts each type gets a view, `<table>_all` (the named queries use it), with the same
 *   columns, Regions and nodes as the partitioned table; it reads every file under the type's
 *   folder through a table of its own, `<table>_files`, which also holds the sync's `test.json`
 *   probe object and is not for queries.
 *
 * @example
 * InventoryAccounts.listed(['111122223333', '444455556666']);
 * InventoryAccounts.organization();
 */
export class InventoryAccounts {
  /**
   * The accounts whose data the tables read, projected as an `enum`.
   *
   * @param accounts 12-digit account ids
   */
  public static listed(accounts: string[]): InventoryAccounts {
    return new InventoryAccounts([...(accounts ?? [])]);
  }

  /**
   * Every account that writes into the destination, without a list: an `injected` projection for
   * queries that name their accounts, plus a `<table>_all` view per type for queries across all
   * accounts.
   */
  public static organization(): InventoryAccounts {
    return new InventoryAccounts(undefined);
  }

  /**
   * The listed accounts.
   *
   * @default - none: every account (`organization()`)
   */
  public readonly accounts?: string[];

  private constructor(accounts: string[] | undefined) {
    this.accounts = accounts;
  }
}
