#!/usr/bin/env python3
"""The example app in Python: the same stacks as examples/stacks.ts, for Python users.

Run it with the built wheel installed next to aws-cdk-lib (see docs/development.md, "Using the packages
before they are published"):
    python app.py            # writes cdk.out/ (or $CDK_OUTDIR)
"""
import os

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_ssm_resource_data_sync import InventoryHistory
from cdk_ssm_resource_data_sync import (
    InventoryDatabase, OrganizationInventory, ResourceDataSync, SyncDestination, SyncHealthMonitor, SyncSource,
)
from cdk_ssm_resource_data_sync import OrganizationCoverage


class InventoryStack(cdk.Stack):
    """1. Inventory to a new encrypted bucket: zero configuration, plus a reader role."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        sync = ResourceDataSync(self, "Inventory")
        analysts = iam.Role(self, "InventoryReader", assumed_by=iam.ServicePrincipal("athena.amazonaws.com"))
        sync.grant_read(analysts)


class ExistingBucketStack(cdk.Stack):
    """2. Inventory to a bucket and key the user already defines in the app, under a prefix."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        key = kms.Key(self, "DataKey", enable_key_rotation=True)
        bucket = s3.Bucket(
            self, "DataBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
        )
        ResourceDataSync(
            self, "ToMyBucket",
            sync_name="inventory-to-my-bucket",
            destination=SyncDestination.from_bucket(bucket, prefix="inventory", encryption_key=key),
        )


class OrganizationOpsDataStack(cdk.Stack):
    """3. Explorer: OpsData from the whole AWS Organization."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        ResourceDataSync(
            self, "OrganizationOpsData",
            sync_name="organization-opsdata",
            source=SyncSource.entire_organization(regions=["us-east-1", "eu-west-1"], include_future_regions=True),
        )


class CentralInventoryStack(cdk.Stack):
    """4a. The central account: one bucket and key that every account of the organization writes into."""

    def __init__(self, scope: Construct, id: str, *, organization_id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        sync = ResourceDataSync(
            self, "Inventory",
            sync_name="inventory",
            destination=SyncDestination.new_bucket(
                bucket_name=f"inventory-{self.account}-{self.region}",
                prefix="inventory",
                organization_id=organization_id,
            ),
        )
        cdk.CfnOutput(self, "BucketName", value=sync.bucket.bucket_name)
        cdk.CfnOutput(self, "KeyArn", value=sync.encryption_key.key_arn)


class MemberInventoryStack(cdk.Stack):
    """4b. A member account, in any Region: its Inventory into the central bucket."""

    def __init__(self, scope: Construct, id: str, *, central_bucket_name: str, central_region: str,
                 central_key_arn: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        sync = ResourceDataSync(
            self, "Inventory",
            sync_name="inventory-to-central",
            destination=SyncDestination.from_bucket_name(
                central_bucket_name, region=central_region, prefix="inventory", kms_key_arn=central_key_arn,
            ),
        )
        reason = "the central bucket and key grant the whole organization (CentralInventoryStack)"
        cdk.Annotations.of(sync).acknowledge_warning("cdk-ssm-resource-data-sync:bucketPolicyNotManaged", reason)
        cdk.Annotations.of(sync).acknowledge_warning("cdk-ssm-resource-data-sync:keyPolicyNotManaged", reason)


class OrganizationInventoryStack(cdk.Stack):
    """5. The whole organization: a StackSet of syncs, Athena queries, Explorer with every OpsData source, an alarm."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        organization = OrganizationInventory(
            self, "Organization",
            organization_id="o-a1b2c3d4e5",
            organizational_units=["r-ab12"],
            regions=["us-east-1", "eu-west-1"],
            bucket_name="org-inventory-333333333333-us-east-1",
            prefix="inventory",
        )
        query = InventoryDatabase(self, "Query", inventory_bucket=organization.destination)
        # History: daily snapshots of the inventory and the change queries over them.
        InventoryHistory(self, "History", database=query)
        ops_data = ResourceDataSync(
            self, "OpsData",
            source=SyncSource.entire_organization(regions=["us-east-1", "eu-west-1"], enable_all_ops_data_sources=True),
        )
        SyncHealthMonitor(self, "SyncHealth", syncs=[organization.deploying_account_sync, ops_data])

        # The coverage census: which accounts and Regions write no Inventory, since when and why; its alarm to a topic.
        OrganizationCoverage(self, "Coverage", inventory=organization, alarm_topic=sns.Topic(self, "CoverageAlarms"))


def required_context(app: cdk.App, key: str) -> str:
    value = app.node.try_get_context(key)
    if not isinstance(value, str):
        raise ValueError(f"No context value present for {key} key: deploy CentralInventoryStack first, then pass its output with -c {key}=<KeyArn>.")
    return value


app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
central = cdk.Environment(account="111111111111", region="us-east-1")
InventoryStack(app, "InventoryStack")
ExistingBucketStack(app, "ExistingBucketStack")
OrganizationOpsDataStack(app, "OrganizationOpsDataStack")
CentralInventoryStack(app, "CentralInventoryStack", env=central, organization_id="o-a1b2c3d4e5")
MemberInventoryStack(
    app, "MemberInventoryStack",
    env=cdk.Environment(account="222222222222", region="eu-west-1"),
    central_bucket_name="inventory-111111111111-us-east-1",
    central_region="us-east-1",
    # The central stack's KeyArn output, once it is deployed: `cdk deploy -c centralKeyArn=...`.
    central_key_arn=required_context(app, "centralKeyArn"),
)
OrganizationInventoryStack(app, "OrganizationInventoryStack", env=cdk.Environment(account="333333333333", region="us-east-1"))
assembly = app.synth()
print(f"Synthesized {len(assembly.stacks)} stacks into {assembly.directory}/")
