"""Ids that cross stacks: published as an SSM parameter by the stack that owns them, read
by another stack at deploy time.

CloudFormation cannot reference a resource of another account, and SSM parameters are
readable in their own account only. So the owner publishes (``PublishedId``: a parameter
and a reader role trusted by the named accounts, allowed ``ssm:GetParameter`` on that one
parameter), and the reader reads at deploy time (``RemoteId``: an SDK call that assumes
the reader role). In the owner's own account and region a stack reads the parameter
through a CloudFormation parameter of an SSM parameter type (``LocalId``), not through a
cross-stack export: CloudFormation refuses to change an export another stack imports, so
an owner could never replace a resource whose id is imported. Stack dependencies make the
owner's stack deploy first.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from constructs import Construct

from multivpc.constructs.acknowledgements import skip_checkov
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.inline_function import allow_one_more
from multivpc.constructs.sdk_call_provider import sdk_call
from multivpc.vocabulary import SDK_ROLE_PREFIX


class PublishedId(Construct):
    """An id published as an SSM parameter, readable from ``reader_accounts``.

    Args:
        parameter_name: the parameter's name (a path such as ``/multivpc/estate/...``).
        value: the id (usually a token such as ``CfnTransitGateway.ref``).
        reader_accounts: account ids that may read it. Default: none (no reader role).
        reader_role_name: the reader role's name, fixed so that readers can build its ARN
            before it exists. Required with ``reader_accounts``.
        reader_roles: ``(account, role name)`` of each role that reads it (the reading
            stacks' SDK-call roles, ``vocabulary.sdk_role_name``): the reader role trusts
            exactly these. Default: any role of ``reader_accounts`` named ``mvpc-sdk-*``.
    """

    parameter: ssm.StringParameter
    """The parameter."""
    reader_role: iam.Role | None
    """The role the reader accounts assume, when there are any."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        parameter_name: str,
        value: str,
        reader_accounts: Sequence[str] = (),
        reader_role_name: str | None = None,
        reader_roles: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(scope, id)
        self.parameter = ssm.StringParameter(
            self, "Parameter", parameter_name=parameter_name, string_value=value
        )
        self.reader_role = None
        if reader_accounts:
            if reader_role_name is None:
                raise ConstructArgumentError(
                    self.node.path, "reader_accounts need a reader_role_name"
                )
            self.reader_role = iam.Role(
                self,
                "Reader",
                role_name=reader_role_name,
                assumed_by=iam.CompositePrincipal(
                    *(iam.AccountPrincipal(account) for account in reader_accounts)
                ),
                description=f"Lets the named accounts read {parameter_name}",
            )
            # Only the reading stacks' SDK-call roles (or, without reader_roles, roles
            # named as multivpc's SDK-call roles are) of those accounts, not any principal
            # there. The principals stay accounts: those roles are created after this one,
            # and a trust policy cannot name a role that does not exist yet.
            partition = cdk.Aws.PARTITION
            unknown = {account for account, _ in reader_roles} - set(reader_accounts)
            if unknown:
                raise ConstructArgumentError(
                    self.node.path, f"reader_roles of other accounts {sorted(unknown)}"
                )
            condition = (
                {
                    "ArnEquals": {
                        "aws:PrincipalArn": [
                            f"arn:{partition}:iam::{account}:role/{name}"
                            for account, name in reader_roles
                        ]
                    }
                }
                if reader_roles
                else {
                    "ArnLike": {
                        "aws:PrincipalArn": [
                            f"arn:{partition}:iam::{a}:role/{SDK_ROLE_PREFIX}*"
                            for a in reader_accounts
                        ]
                    }
                }
            )
            trust = self.reader_role.node.default_child
            assert isinstance(trust, iam.CfnRole)
            trust.assume_role_policy_document = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {
                            "AWS": [f"arn:{partition}:iam::{a}:root" for a in reader_accounts]
                        },
                        "Condition": condition,
                    }
                ],
            }
            skip_checkov(
                trust,
                "CKV_AWS_61",
                "aws:PrincipalArn narrows the accounts to the reading stacks' SDK-call roles "
                "(by exact ARN; with no reader_roles given, to roles named mvpc-sdk-*); the "
                "check reads principals only.",
            )
            iam.ManagedPolicy(
                self,
                "ReadPolicy",
                roles=[self.reader_role],
                statements=[
                    iam.PolicyStatement(
                        actions=["ssm:GetParameter"], resources=[self.parameter.parameter_arn]
                    )
                ],
            )


class LocalId(Construct):
    """An id read at deploy time from a ``PublishedId`` of the same account and region: a
    CloudFormation parameter of type ``AWS::SSM::Parameter::Value<String>``.

    CloudFormation resolves it on every create and update of the stack, and updates what
    references it when the value changed. The CDK CLI skips a stack whose template did not
    change when its SSM parameters say ``[cdk:skip]``; ``version`` is in the parameter's
    description, so the template changes exactly when the owner replaces the resource.

    Args:
        parameter_name: the parameter's name.
        version: changes whenever the owner replaces the resource whose id is published
            (see ``RemoteId``). Default: none.
    """

    value: str
    """The id, a token resolved at deploy time."""
    parameter: cdk.CfnParameter
    """The template parameter that reads it."""

    def __init__(
        self, scope: Construct, id: str, *, parameter_name: str, version: str = ""
    ) -> None:
        super().__init__(scope, id)
        self.parameter = cdk.CfnParameter(
            self,
            "Parameter",
            type="AWS::SSM::Parameter::Value<String>",
            default=parameter_name,
            description=f"[cdk:skip] {parameter_name}"
            + (f" (version {version})" if version else ""),
        )
        self.value = self.parameter.value_as_string


class RemoteId(Construct):
    """An id read at deploy time from another account's ``PublishedId``.

    Args:
        parameter_name: the parameter's name in the owner account.
        account_id: the owner account.
        region: the parameter's region.
        reader_role_name: the reader role the owner created for this account.
        encryption_key: encrypts the SDK-call provider's log group, if this is the stack's
            first SDK call. Default: none.
        version: changes whenever the owner replaces the resource whose id is published
            (for example a digest of its create-only properties): it is part of the read's
            physical id, so CloudFormation updates the reader, which reads the new id, in
            the deploy that replaces the owner's resource. Default: none (read once, on
            create, and on any other change of the reader).
    """

    value: str
    """The id, a token resolved at deploy time."""
    resource: cr.AwsCustomResource
    """The SDK call that reads it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        parameter_name: str,
        account_id: str,
        region: str,
        reader_role_name: str,
        encryption_key: kms.IKey | None = None,
        version: str = "",
    ) -> None:
        super().__init__(scope, id)
        partition = cdk.Aws.PARTITION
        role_arn = f"arn:{partition}:iam::{account_id}:role/{reader_role_name}"
        call = cr.AwsSdkCall(
            service="SSM",
            action="getParameter",
            parameters={"Name": parameter_name},
            region=region,
            assumed_role_arn=role_arn,
            physical_resource_id=cr.PhysicalResourceId.of(
                f"{account_id}:{parameter_name}" + (f"@{version}" if version else "")
            ),
            output_paths=["Parameter.Value"],
        )
        self.resource = sdk_call(
            self, "Read", on_create=call, on_update=call, encryption_key=encryption_key
        )
        # In managed policies, not an inline policy of the read's own: a routing stack
        # reads up to a hundred ids, and a role's inline policies share 10,240 characters.
        grant = allow_one_more(
            cdk.Stack.of(self),
            "IdReaderRoles",
            actions=["sts:AssumeRole"],
            resource=role_arn,
            description="The reader roles of other accounts this stack's id reads assume",
        )
        self.resource.node.add_dependency(grant)
        self.value = self.resource.get_response_field("Parameter.Value")
