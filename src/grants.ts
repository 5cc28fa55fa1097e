import { Token, TokenComparison, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';

/**
 * Grants on the Inventory data a destination holds: the objects under its prefix, and its key.
 *
 * Like aws-cdk-lib's own bucket grants, a principal of the bucket's account gets an identity
 * policy; a principal of another account, an account or a service principal is also granted in
 * the bucket policy (and, through the key's own grant, in the key policy), since an identity
 * policy alone cannot reach a bucket of another account. A service principal's bucket policy
 * statement is bound to the bucket's account (`aws:SourceAccount`).
 */
export class InventoryDataGrants {
  /**
   * Grants on the data under `prefix` in `bucket`, encrypted with `encryptionKey`.
   *
   * @param bucket the destination bucket
   * @param prefix the key prefix the syncs write under (none: the whole bucket)
   * @param encryptionKey the key the data is encrypted with (none: no KMS permission)
   */
  public static fromDestination(bucket: s3.IBucket, prefix?: string, encryptionKey?: kms.IKey): InventoryDataGrants {
    return new InventoryDataGrants(bucket, prefix, encryptionKey);
  }

  private constructor(
    private readonly bucket: s3.IBucket,
    private readonly prefix?: string,
    private readonly encryptionKey?: kms.IKey,
  ) {}

  /**
   * Let `grantee` read the synced data: `s3:GetObject` on the objects under the prefix,
   * `s3:ListBucket` of the keys under it, `s3:GetBucketLocation` on the bucket, and `kms:Decrypt`
   * on the key (for Athena, AWS Glue and the people who query the data).
   */
  public read(grantee: iam.IGrantable): iam.Grant {
    const bucket = this.bucket;
    const prefix = this.prefix;
    const grant = this.grant(grantee, ['s3:GetObject'], bucket.arnForObjects(prefix ? `${prefix}/*` : '*'))
      .combine(this.grant(grantee, ['s3:GetBucketLocation'], bucket.bucketArn))
      .combine(this.grant(grantee, ['s3:ListBucket'], bucket.bucketArn,
        prefix ? { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } : undefined));
    return this.encryptionKey ? grant.combine(this.encryptionKey.grantDecrypt(grantee)) : grant;
  }

  /** An identity policy statement, and a bucket policy statement where the principal is not of the bucket's account. */
  private grant(grantee: iam.IGrantable, actions: string[], resource: string, conditions?: Record<string, Record<string, unknown>>): iam.Grant {
    const onPrincipal = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [resource], conditions });
    const principal = grantee.grantPrincipal;
    const account = principal.principalAccount;
    const comparison = account === undefined ? undefined : Token.compareStrings(account, this.bucket.env.account);
    const sameAccount = comparison === TokenComparison.SAME || comparison === TokenComparison.BOTH_UNRESOLVED;
    if (onPrincipal.success && sameAccount) return onPrincipal;
    const service = principal instanceof iam.ServicePrincipal
      ? { StringEquals: { 'aws:SourceAccount': this.bucket.env.account } }
      : {};
    const statement = new iam.PolicyStatement({
      actions, resources: [resource], principals: [principal], conditions: { ...conditions, ...service },
    });
    const onResource = iam.Grant.addStatementToResourcePolicy({ grantee, actions, resourceArns: [resource], resource: this.bucket, statement });
    return onPrincipal.combine(onResource);
  }
}
