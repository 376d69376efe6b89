"""The CDK feature flags multivpc builds, tests and snapshots its templates with.
They are part of the app: ``multivpc.cdk_app``, ``multivpc synth`` and ``multivpc diff``
create their ``cdk.App`` with them, so a config repository without them in its cdk.json
gets the same templates as this checkout. A cdk.json entry still wins (CDK applies an
App's ``context`` first and the CLI's context over it); one that differs from the value
here is warned about, since the templates then differ from the ones multivpc tests.
A CDK app that composes ``multivpc.constructs`` can start from the same flags:
``cdk.App(context=dict(FEATURE_FLAGS))``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

FEATURE_FLAGS: Final[Mapping[str, object]] = MappingProxyType(
    {
        "@aws-cdk/core:checkSecretUsage": True,
        "@aws-cdk/core:target-partitions": ["aws", "aws-cn"],
        "@aws-cdk/aws-iam:minimizePolicies": True,
        "@aws-cdk/core:validateSnapshotRemovalPolicy": True,
        "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
        "@aws-cdk/aws-kms:aliasNameRef": True,
        "@aws-cdk/core:enablePartitionLiterals": True,
        "@aws-cdk/aws-iam:standardizedServicePrincipals": True,
        "@aws-cdk/aws-ec2:restrictDefaultSecurityGroup": True,
        "@aws-cdk/customresources:installLatestAwsSdkDefault": False,
        "@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope": True,
        "@aws-cdk/aws-s3:keepNotificationInImportStack": True,
        "@aws-cdk/aws-signer:signingProfileNamePassedToCfn": True,
        "@aws-cdk/core:newStyleStackSynthesis": True,
        "@aws-cdk/core:stackRelativeExports": True,
        "@aws-cdk/aws-ecs-patterns:secGroupsDisablesImplicitOpenListener": True,
        "@aws-cdk/aws-rds:lowercaseDbIdentifier": True,
        "@aws-cdk/aws-apigateway:usagePlanKeyOrderInsensitiveId": True,
        "@aws-cdk/aws-lambda:recognizeVersionProps": True,
        "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
        "@aws-cdk/aws-cloudfront:defaultSecurityPolicyTLSv1.2_2021": True,
        "@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver": True,
        "@aws-cdk/aws-ec2:uniqueImdsv2TemplateName": True,
        "@aws-cdk/aws-ecs:arnFormatIncludesClusterName": True,
        "@aws-cdk/aws-codepipeline:crossAccountKeyAliasStackSafeResourceName": True,
        "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption": True,
        "@aws-cdk/aws-apigateway:disableCloudWatchRole": True,
        "@aws-cdk/aws-events:eventsTargetQueueSameAccount": True,
        "@aws-cdk/aws-ecs:disableExplicitDeploymentControllerForCircuitBreaker": True,
        "@aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName": True,
        "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
        "@aws-cdk/aws-route53-patters:useCertificate": True,
        "@aws-cdk/aws-rds:databaseProxyUniqueResourceName": True,
        "@aws-cdk/aws-codedeploy:removeAlarmsFromDeploymentGroup": True,
        "@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId": True,
        "@aws-cdk/aws-ec2:launchTemplateDefaultUserData": True,
        "@aws-cdk/aws-secretsmanager:useAttachedSecretResourcePolicyForSecretTargetAttachments": True,  # noqa: E501
        "@aws-cdk/aws-redshift:columnId": True,
        "@aws-cdk/aws-stepfunctions-tasks:enableEmrServicePolicyV2": True,
        "@aws-cdk/aws-apigateway:requestValidatorUniqueId": True,
        "@aws-cdk/aws-kms:applyImportedAliasPermissionsToPrincipal": True,
        "@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig": True,
        "@aws-cdk/core:includePrefixInUniqueNameGeneration": True,
        "@aws-cdk/aws-efs:denyAnonymousAccess": True,
        "@aws-cdk/aws-opensearchservice:enableOpensearchMultiAzWithStandby": True,
        "@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion": True,
        "@aws-cdk/aws-efs:mountTargetOrderInsensitiveLogicalId": True,
        "@aws-cdk/aws-rds:auroraClusterChangeScopeOfInstanceParameterGroupWithEachParameters": True,
        "@aws-cdk/aws-appsync:useArnForSourceApiAssociationIdentifier": True,
        "@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials": True,
        "@aws-cdk/aws-codepipeline-actions:useNewDefaultBranchForCodeCommitSource": True,
        "@aws-cdk/aws-cloudwatch-actions:changeLambdaPermissionLogicalIdForLambdaAction": True,
        "@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse": True,
        "@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2": True,
        "@aws-cdk/pipelines:reduceAssetRoleTrustScope": True,
        "@aws-cdk/aws-eks:nodegroupNameAttribute": True,
        "@aws-cdk/aws-eks:useNativeOidcProvider": True,
        "@aws-cdk/aws-ec2:ebsDefaultGp3Volume": True,
        "@aws-cdk/aws-ecs:removeDefaultDeploymentAlarm": True,
        "@aws-cdk/custom-resources:logApiResponseDataPropertyTrueDefault": False,
        "@aws-cdk/aws-s3:keepNotificationInImportedBucket": False,
        "@aws-cdk/aws-stepfunctions-tasks:useNewS3UriParametersForBedrockInvokeModelTask": True,
        "@aws-cdk/core:explicitStackTags": True,
        "@aws-cdk/aws-ecs:reduceEc2FargateCloudWatchPermissions": True,
        "@aws-cdk/aws-dynamodb:resourcePolicyPerReplica": True,
        "@aws-cdk/aws-ec2:ec2SumTImeoutEnabled": True,
        "@aws-cdk/aws-appsync:appSyncGraphQLAPIScopeLambdaPermission": True,
        "@aws-cdk/aws-rds:setCorrectValueForDatabaseInstanceReadReplicaInstanceResourceId": True,
        "@aws-cdk/core:cfnIncludeRejectComplexResourceUpdateCreatePolicyIntrinsics": True,
        "@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages": True,
        "@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy": True,
        "@aws-cdk/aws-ec2:bastionHostUseAmazonLinux2023ByDefault": True,
        "@aws-cdk/core:aspectStabilization": True,
        "@aws-cdk/aws-route53-targets:userPoolDomainNameMethodWithoutCustomResource": True,
        "@aws-cdk/aws-elasticloadbalancingV2:albDualstackWithoutPublicIpv4SecurityGroupRulesDefault": True,  # noqa: E501
        "@aws-cdk/aws-iam:oidcRejectUnauthorizedConnections": True,
        "@aws-cdk/core:enableAdditionalMetadataCollection": True,
        "@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy": False,
        "@aws-cdk/aws-s3:setUniqueReplicationRoleName": True,
        "@aws-cdk/pipelines:reduceStageRoleTrustScope": True,
        "@aws-cdk/aws-events:requireEventBusPolicySid": True,
        "@aws-cdk/core:aspectPrioritiesMutating": True,
        "@aws-cdk/aws-dynamodb:retainTableReplica": True,
        "@aws-cdk/cognito:logUserPoolClientSecretValue": False,
        "@aws-cdk/pipelines:reduceCrossAccountActionRoleTrustScope": True,
        "@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2": True,
        "@aws-cdk/s3-notifications:addS3TrustKeyPolicyForSnsSubscriptions": True,
        "@aws-cdk/aws-ec2:requirePrivateSubnetsForEgressOnlyInternetGateway": True,
        "@aws-cdk/aws-ec2-alpha:useResourceIdForVpcV2Migration": False,
        "@aws-cdk/aws-s3:publicAccessBlockedByDefault": True,
        "@aws-cdk/aws-lambda:useCdkManagedLogGroup": True,
        "@aws-cdk/aws-elasticloadbalancingv2:networkLoadBalancerWithSecurityGroupByDefault": True,
        "@aws-cdk/aws-stepfunctions-tasks:httpInvokeDynamicJsonPathEndpoint": True,
        "@aws-cdk/aws-ecs-patterns:uniqueTargetGroupId": True,
        "@aws-cdk/aws-route53-patterns:useDistribution": True,
        "@aws-cdk/aws-cloudfront:defaultFunctionRuntimeV2_0": True,
        "@aws-cdk/aws-elasticloadbalancingv2:usePostQuantumTlsPolicy": True,
        "@aws-cdk/core:automaticL1Traits": True,
        "@aws-cdk/aws-batch:defaultToAL2023": True,
        "@aws-cdk/aws-eks:defaultToAL2023": True,
        "@aws-cdk/core:annotationsInValidationReport": True,
        "@aws-cdk/core:validateAgainstDefaultRules": True,
        "@aws-cdk/aws-ecs:removeEmptyLoadBalancers": True,
        "@aws-cdk/aws-cloudfront:defaultViewerProtocolPolicyRedirectToHttps": True,
        "@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard": True,
        "@aws-cdk/aws-stepfunctions-tasks:evaluateExpressionDedicatedFunction": True,
        "@aws-cdk/core:defaultCrossStackReferences": "strong",
    }
)


def cdk_json_context(path: Path = Path("cdk.json")) -> dict[str, object]:
    """The context of a cdk.json (default ./cdk.json); none without one."""
    if not path.is_file():
        return {}
    try:
        context = json.loads(path.read_text(encoding="utf-8")).get("context", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return context if isinstance(context, dict) else {}


def app_context(cdk_json: Path = Path("cdk.json")) -> dict[str, object]:
    """What ``cdk synth`` next to ``cdk_json`` applies: the flags, then its context."""
    return {**FEATURE_FLAGS, **cdk_json_context(cdk_json)}


def overridden(context: Callable[[str], object]) -> list[str]:
    """One warning per flag that ``context`` (an app's ``node.try_get_context``) sets to
    another value than multivpc's."""
    return [
        f"warning: the CDK context sets feature flag {flag} to {json.dumps(value)}; "
        f"multivpc builds and tests its templates with {json.dumps(expected)}, so they "
        "differ from the documented ones. Fix: remove the entry from cdk.json (or -c)."
        for flag, expected in FEATURE_FLAGS.items()
        if (value := context(flag)) != expected
    ]
