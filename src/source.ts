import { Annotations, Stack, Token, aws_ssm as ssm, region_info as regionInfo } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkOptionalBoolean, checkOrganizationalUnits, checkRegionList, warnUnknownRegions } from './validation';

const WARN_OPT_IN_DELEGATED = 'cdk-ssm-resource-data-sync:organizationSourceOptInRegion';

/**
 * The Regions a `SyncFromSource` resource data sync aggregates.
 */
export interface SyncSourceOptions {
  /**
   * The Regions to aggregate OpsData from, such as `['us-east-1', 'eu-west-1']`. At least one.
   */
  readonly regions: string[];

  /**
   * Also aggregate Regions that come online in the future.
   *
   * @default false
   */
  readonly includeFutureRegions?: boolean;

  /**
   * Turn on all OpsData sources of Explorer in the source Regions and accounts
   * (`SyncSource.EnableAllOpsDataSources` of the SSM API), as the console does when it creates an
   * organization sync. Systems Manager then calls the APIs of the services behind each source, and
   * **you are charged for those calls** (User Guide, Explorer). Deleting the sync does not turn the
   * sources off: do that in Explorer's settings.
   *
   * `AWS::SSM::ResourceDataSync` has no such property: a sync that sets it (`true` or `false`) is
   * made through the SSM API by a custom resource (see the README, "API-only fields"). Changing it
   * later updates the sync in place.
   *
   * @default - not set: the sync is the CloudFormation resource, and the API's default applies
   * (no OpsData source is turned on by the sync)
   */
  readonly enableAllOpsDataSources?: boolean;
}

/**
 * What a source gives the sync it is bound to.
 */
export interface SyncSourceConfig {
  /**
   * The `SyncSource` property of `AWS::SSM::ResourceDataSync`.
   */
  readonly syncSource: ssm.CfnResourceDataSync.SyncSourceProperty;

  /**
   * `SyncSource.EnableAllOpsDataSources` of the SSM API (not in CloudFormation).
   *
   * @default - not set
   */
  readonly enableAllOpsDataSources?: boolean;
}

/**
 * Where a `SyncFromSource` resource data sync (Systems Manager Explorer) aggregates OpsData from:
 * several Regions of this account, or accounts of an AWS Organization.
 *
 * @example
 * SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'], includeFutureRegions: true });
 * SyncSource.entireOrganization({ regions: ['us-east-1'] });
 * SyncSource.organizationalUnits(['ou-ab12-cdef3456'], { regions: ['us-east-1'] });
 */
export abstract class SyncSource {
  /**
   * This account, in the given Regions (`SourceType: SingleAccountMultiRegions`).
   */
  public static singleAccount(options: SyncSourceOptions): SyncSource {
    requireRegions('singleAccount', options);
    return new RegionsSource('SingleAccountMultiRegions', options);
  }

  /**
   * Every account of the AWS Organization, in the given Regions (`SourceType: AwsOrganizations`,
   * `OrganizationSourceType: EntireOrganization`). Deploy it in the management account or in the
   * Explorer delegated administrator account.
   */
  public static entireOrganization(options: SyncSourceOptions): SyncSource {
    requireRegions('entireOrganization', options);
    return new RegionsSource('AwsOrganizations', options, { organizationSourceType: 'EntireOrganization' });
  }

  /**
   * The accounts of some organizational units, in the given Regions (`SourceType:
   * AwsOrganizations`, `OrganizationSourceType: OrganizationalUnits`). Deploy it in the
   * management account or in the Explorer delegated administrator account.
   *
   * @param organizationalUnitIds 1 to 1000 OU ids such as `ou-ab12-cdef3456`
   */
  public static organizationalUnits(organizationalUnitIds: string[], options: SyncSourceOptions): SyncSource {
    requireRegions('organizationalUnits', options);
    if (!Array.isArray(organizationalUnitIds) && !Token.isUnresolved(organizationalUnitIds)) {
      throw new Error('SyncSource.organizationalUnits needs a list of organizational unit ids first (for example ou-ab12-cdef3456), then the options.');
    }
    return new RegionsSource('AwsOrganizations', options, {
      organizationSourceType: 'OrganizationalUnits',
      organizationalUnits: organizationalUnitIds,
    });
  }

  /**
   * Return the `SyncSource` and register the source's rules on the sync.
   *
   * @param scope the resource data sync this source is used by
   */
  public abstract bind(scope: Construct): SyncSourceConfig;
}

/** JavaScript callers are not protected by types: a missing options object or Region list is a clear error. */
function requireRegions(factory: string, options: SyncSourceOptions | undefined): void {
  if (!options || (!Array.isArray(options.regions) && !Token.isUnresolved(options.regions))) {
    throw new Error(`SyncSource.${factory} needs the options with regions, a list of Regions (for example us-east-1).`);
  }
}

class RegionsSource extends SyncSource {
  constructor(
    private readonly sourceType: string,
    private readonly options: SyncSourceOptions,
    private readonly organization?: ssm.CfnResourceDataSync.AwsOrganizationsSourceProperty,
  ) {
    super();
  }

  public bind(scope: Construct): SyncSourceConfig {
    const { regions, includeFutureRegions, enableAllOpsDataSources } = this.options;
    const organizationalUnits = this.organization?.organizationalUnits;
    warnUnknownRegions(scope, regions, 'source regions');
    const region = Stack.of(scope).region;
    if (this.organization && !Token.isUnresolved(region) && regionInfo.RegionInfo.get(region).isOptInRegion) {
      // User Guide: "You can't use a delegated administrator account to create a resource data sync in opt-in AWS Regions."
      Annotations.of(scope).addWarningV2(WARN_OPT_IN_DELEGATED,
        `${region} is an opt-in Region: only the AWS Organizations management account can create an organization-source resource data sync there, not a delegated administrator. Deploy this stack from the management account (or acknowledge this warning if it is the management account).`);
    }
    scope.node.addValidation({
      validate: () => [
        ...checkRegionList(regions, 'source regions'),
        ...(organizationalUnits ? checkOrganizationalUnits(organizationalUnits, 'source organizationalUnits') : []),
        ...checkOptionalBoolean(enableAllOpsDataSources, 'source enableAllOpsDataSources'),
      ],
    });
    return {
      syncSource: {
        sourceType: this.sourceType,
        sourceRegions: regions,
        includeFutureRegions,
        awsOrganizationsSource: this.organization,
      },
      enableAllOpsDataSources,
    };
  }
}
