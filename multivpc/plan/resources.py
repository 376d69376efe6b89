"""How many CloudFormation resources each planned stack holds, counted from the plan.

CloudFormation refuses a stack over 500 resources, and CDK only says so at synth. The
counts here follow what the stacks build for each plan entry (one subnet is a subnet, its
route table, the association and two published ids; one route is one resource; ...), so
a rule can refuse an oversized stack before synth, naming the config object. A test
compares every count with the synthesized templates of every example and of variants
(tests/plan/test_resources.py): when a construct changes what it builds, that test says
which count to change here.
"""

from __future__ import annotations

import math

from multivpc.plan.network import (
    NetworkPlan,
    StackPlan,
    TransitGatewayPeeringPlan,
    TransitGatewayPlan,
    VpcPeeringPlan,
    VpcPlan,
)
from multivpc.vocabulary import RESOURCES_PER_POLICY

STACK_RESOURCE_LIMIT = 500
"""CloudFormation's resources per stack (not adjustable)."""

SUBNET = 5
"""Subnet, route table, association, and its published subnet and route-table ids."""
PUBLISHED_ID = 1
"""An SSM parameter holding an id."""
READER_ROLE = 2
"""The role (and its managed policy) that other accounts assume to read published ids."""
REMOTE_ID = 1
"""A custom resource reading an id across accounts or regions (the reader roles it assumes
are named in managed policies: ``grant_policies``)."""
SDK_CALL = 2
"""Any other ``AwsCustomResource`` (the VPC peering DNS option) and its own policy."""
PROVIDER = 4
"""The stack's SDK-call log group, its KMS key, the role and the role's managed policy."""
PROVIDER_FUNCTION = 1
"""aws-cdk-lib's single function behind every ``AwsCustomResource`` of a stack."""
INLINE_FUNCTION = 2
"""One of multivpc's inlined functions (association, acceptance) and its managed policy."""


def grant_policies(resources: int) -> int:
    """The managed policies that name ``resources`` by ARN (the attachments a stack
    associates, the reader roles its id reads assume), up to ``RESOURCES_PER_POLICY``
    each."""
    return math.ceil(resources / RESOURCES_PER_POLICY)


def remote_ids(reads: int) -> int:
    """``reads`` id reads of other accounts or regions (each through its own reader role)
    and the policies naming their roles."""
    return REMOTE_ID * reads + grant_policies(reads)


DEFAULT_SECURITY_GROUP = 4
"""The two custom resources that strip the default security group, and their policies."""
FLOW_LOGS_TO_LOG_GROUP = 4
"""The flow log, its log group, the delivery role and its managed policy (their KMS key
is the one the stack's SDK-call provider shares)."""
FLOW_LOGS_TO_BUCKET = 3
"""The flow log, its bucket and the bucket policy (plus a key with SSE-KMS)."""
SESSION_MANAGER = 4
"""The instance role, its instance profile, the published profile name and role ARN (and,
with the minimal policy, that policy)."""


def stack_resources(network: NetworkPlan, stack: StackPlan) -> int:
    """The resources ``stack`` will hold."""
    if stack.role == "vpc":
        return _vpc(network.vpc(stack.vpcs[0]))
    if stack.role == "hub":
        assert stack.transit_gateway is not None
        return _hub(network.transit_gateway(stack.transit_gateway))
    if stack.role == "routing":
        assert stack.transit_gateway is not None
        return _routing(network.transit_gateway(stack.transit_gateway), stack.name)
    if stack.vpc_peering is not None:
        return _vpc_peering(network.vpc_peering(stack.vpc_peering), stack)
    assert stack.transit_gateway_peering is not None
    return _tgw_peering(network.transit_gateway_peering(stack.transit_gateway_peering), stack)


def _vpc(vpc: VpcPlan) -> int:
    groups = len({s.group for s in vpc.subnets})
    count = 1 + 2 * PUBLISHED_ID  # the VPC, its published id and CIDR
    count += (PUBLISHED_ID + READER_ROLE) * len(vpc.shared_vpc_ids)  # for other accounts
    count += SUBNET * len(vpc.subnets) + PUBLISHED_ID * groups + len(vpc.routes)
    count += 2 * vpc.internet_gateway + 2 * len(vpc.nat_gateways)  # gateway + attachment/EIP
    count += DEFAULT_SECURITY_GROUP + PROVIDER + PROVIDER_FUNCTION
    flow_logs = vpc.flow_logs
    if flow_logs.enabled and flow_logs.destination == "cloud-watch-logs":
        count += FLOW_LOGS_TO_LOG_GROUP
    elif flow_logs.enabled:
        count += FLOW_LOGS_TO_BUCKET + (flow_logs.s3_encryption == "kms")
    attachment = vpc.attachment
    if attachment is not None:
        count += 1 + PUBLISHED_ID + READER_ROLE * bool(attachment.reader_accounts)
        count += remote_ids(attachment.cross_account)
    endpoints = vpc.endpoints
    if endpoints is not None:
        count += len(endpoints.gateway) + len(endpoints.interface)
        if endpoints.interface and not endpoints.security_groups:
            count += 1 + len(endpoints.sources)  # the security group and one rule per source
        minimal = endpoints.session_manager_policy == "minimal"
        count += (SESSION_MANAGER + minimal) * endpoints.session_manager_role
    for group in vpc.security_groups:  # the group, one resource per rule, its published id
        count += 1 + len(group.rules) + PUBLISHED_ID
    return count


def _hub(tgw: TransitGatewayPlan) -> int:
    # the gateway, its route tables, the share, the gateway's and route tables' ids
    count = 1 + len(tgw.segments) + bool(tgw.share_principals)
    count += PUBLISHED_ID * (1 + len(tgw.segments))
    return count + READER_ROLE * bool(tgw.reader_accounts)


def _routing(tgw: TransitGatewayPlan, name: str) -> int:
    routed = [a for a in tgw.attachments if a.routing_stack == name]
    remote = sum(a.cross_account for a in routed)
    count = sum(1 + len(a.propagates_into) for a in routed)  # association, propagations
    count += sum(1 for route in tgw.routes if route.routing_stack == name)
    count += INLINE_FUNCTION * bool(routed) + PROVIDER * bool(routed or remote)
    count += grant_policies(len(routed))
    return count + remote_ids(remote) + PROVIDER_FUNCTION * bool(remote)


def _vpc_peering(peering: VpcPeeringPlan, stack: StackPlan) -> int:
    requester, accepter = peering.requester, peering.accepter
    dns = SDK_CALL * peering.dns_resolution  # the DNS option, in each side's stack
    if peering.same_place:
        provider = (PROVIDER + PROVIDER_FUNCTION) * peering.dns_resolution
        return 1 + len(requester.routes) + len(accepter.routes) + dns + provider
    remote = remote_ids(1) + PROVIDER + PROVIDER_FUNCTION  # reads the peer's id
    if stack.role == "vpc-peering-accepter":
        # Across accounts the accept role (and its policy), which reads the requester's id.
        return PUBLISHED_ID + READER_ROLE + (2 + remote) * peering.cross_account
    if stack.role == "vpc-peering":
        return 1 + len(requester.routes) + PUBLISHED_ID + READER_ROLE + remote + dns
    return len(accepter.routes) + remote + dns


def _tgw_peering(peering: TransitGatewayPeeringPlan, stack: StackPlan) -> int:
    remote = 0 if peering.same_place else remote_ids(1) + PROVIDER_FUNCTION
    if stack.role == "tgw-peering":
        published = PUBLISHED_ID + (0 if peering.same_place else READER_ROLE)
        return 1 + published + remote + PROVIDER * (not peering.same_place)
    side = peering.accepter if stack.role == "tgw-peering-accepter" else peering.requester
    # routes, the association, its function and the policy naming the attachment
    count = len(side.routes) + 1 + INLINE_FUNCTION + grant_policies(1) + PROVIDER
    if stack.role == "tgw-peering-accepter":
        count += 1 + INLINE_FUNCTION + remote  # the acceptance, and the attachment id read
    return count
