/**
 * How a `SyncToDestination` sync shares its destination (`S3Destination.DestinationDataSharing`).
 */
export enum DestinationDataSharingType {
  /**
   * `Organization`: the sync writes under the account's own key prefix of a central bucket that the
   * whole AWS Organization writes to, and tags each object with the organization's id. The only type
   * the API has.
   */
  ORGANIZATION = 'Organization',
}
