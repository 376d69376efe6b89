"""What exists in the emulator, read with boto3, against what the oracle expects.

Both sides are reduced to the same plain shape, so a failing test prints a readable diff:
per VPC its CIDR, internet gateway, NAT gateway zones, flow logs, default security group
rules, its Transit Gateway attachment, and per subnet (zone, CIDR) its own route table's
routes; per Transit Gateway its owner, options, RAM share and route tables. The plan only
says where to look (stack names, accounts, regions).
"""

from __future__ import annotations

import json
from typing import Any

from multivpc.plan import StackPlan, VpcPlan
from tests.deploy.emulator import Emulator

Shape = dict[str, Any]


def physical_ids(emulator: Emulator, stack: StackPlan | VpcPlan, resource_type: str) -> list[str]:
    """Physical ids of a deployed stack's resources of one type."""
    name = stack.stack_name if isinstance(stack, VpcPlan) else stack.name
    cloudformation = emulator.client("cloudformation", stack.region, stack.account_id)
    resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
    return [
        str(r["PhysicalResourceId"]) for r in resources if r.get("ResourceType") == resource_type
    ]


def stack_vpc_id(emulator: Emulator, vpc: VpcPlan) -> str:
    [vpc_id] = physical_ids(emulator, vpc, "AWS::EC2::VPC")
    return vpc_id


def stack_resources(emulator: Emulator, stack: StackPlan) -> dict[str, str]:
    """{logical id: physical id} of a deployed stack."""
    cloudformation = emulator.client("cloudformation", stack.region, stack.account_id)
    resources = cloudformation.describe_stack_resources(StackName=stack.name)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


def _resolves_dns(connection: dict[str, Any], vpc_id: str) -> bool:
    """``AllowDnsResolutionFromRemoteVpc`` of ``vpc_id``'s side of a peering connection."""
    side = (
        connection["RequesterVpcInfo"]
        if connection["RequesterVpcInfo"]["VpcId"] == vpc_id
        else connection["AccepterVpcInfo"]
    )
    return bool(side.get("PeeringOptions", {}).get("AllowDnsResolutionFromRemoteVpc"))


def observed_vpc(
    emulator: Emulator, vpc: VpcPlan, gateway_names: dict[str, str] | None = None
) -> tuple[Shape, dict[str, str]]:
    """The deployed VPC in the oracle's shape, and the physical ids behind it.
    ``gateway_names``: {Transit Gateway id: name}, to name route targets and attachments."""
    gateway_names = gateway_names or {}
    ec2 = emulator.client("ec2", vpc.region, vpc.account_id)
    vpc_id = stack_vpc_id(emulator, vpc)
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    [described] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    subnets = ec2.describe_subnets(Filters=by_vpc)["Subnets"]
    zone_of = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
    nats = ec2.describe_nat_gateways(Filters=by_vpc)["NatGateways"]
    nat_zone = {n["NatGatewayId"]: zone_of[n["SubnetId"]] for n in nats}
    gateways = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
    )["InternetGateways"]
    tables = ec2.describe_route_tables(Filters=by_vpc)["RouteTables"]
    connections = {
        c["VpcPeeringConnectionId"]: " ".join(
            (
                *(t["Value"] for t in c.get("Tags", []) if t["Key"] == "Name"),
                c["Status"]["Code"],
                # This VPC's side of the connection: does the peer resolve its host names?
                *(["dns"] if _resolves_dns(c, vpc_id) else []),
            )
        )
        for c in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    }
    endpoints = ec2.describe_vpc_endpoints(Filters=by_vpc)["VpcEndpoints"]
    endpoint_services = {e["VpcEndpointId"]: _short(e["ServiceName"]) for e in endpoints}
    prefix_lists = {
        p["PrefixListId"]: p["PrefixListName"]
        for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
    }
    table_of = {
        a["SubnetId"]: table for table in tables for a in table["Associations"] if a.get("SubnetId")
    }
    ids = {"vpc": vpc_id}
    shaped_subnets = {}
    for subnet in subnets:
        key = f"{subnet['AvailabilityZone']} {subnet['CidrBlock']}"
        table = table_of.get(subnet["SubnetId"])
        routes = {}
        for route in table["Routes"] if table else []:
            target = route.get("GatewayId") or route.get("NatGatewayId") or "?"
            if "DestinationPrefixListId" in route:
                name = prefix_lists[route["DestinationPrefixListId"]]
                routes[name] = f"gateway-endpoint {endpoint_services.get(target, target)}"
                continue
            if target.startswith("igw-"):
                target = "internet-gateway"
            elif target in nat_zone:
                target = f"nat-gateway in {nat_zone[target]}"
            elif "VpcPeeringConnectionId" in route:
                pcx = route["VpcPeeringConnectionId"]
                target = f"vpc-peering {connections.get(pcx, pcx)}"
            elif "TransitGatewayId" in route:
                tgw = route["TransitGatewayId"]
                target = f"transit-gateway {gateway_names.get(tgw, tgw)}"
            routes[route["DestinationCidrBlock"]] = target
        shaped_subnets[key] = {
            "routes": routes,
            "public_ip_on_launch": subnet["MapPublicIpOnLaunch"],
        }
        ids[f"subnet {key}"] = subnet["SubnetId"]
        ids[f"route table {key}"] = table["RouteTableId"] if table else "none"
    ids.update({f"nat {nat_zone[n]}": n for n in nat_zone})
    for gateway in gateways:
        ids["internet gateway"] = gateway["InternetGatewayId"]
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])[
        "FlowLogs"
    ]
    ids.update({f"flow log {i}": f["FlowLogId"] for i, f in enumerate(flow_logs)})
    attachment = None
    attachments = ec2.describe_transit_gateway_vpc_attachments(Filters=by_vpc)[
        "TransitGatewayVpcAttachments"
    ]
    key_of = {s["SubnetId"]: f"{s['AvailabilityZone']} {s['CidrBlock']}" for s in subnets}
    for found in attachments:
        ids[f"attachment {found['TransitGatewayId']}"] = found["TransitGatewayAttachmentId"]
        attachment = {
            "transit_gateway": gateway_names.get(
                found["TransitGatewayId"], found["TransitGatewayId"]
            ),
            "subnets": sorted(key_of[subnet] for subnet in found["SubnetIds"]),
            "appliance_mode": found["Options"]["ApplianceModeSupport"],
        }
    assert len(attachments) <= 1, f"{vpc.name}: {attachments}"
    [default_group] = ec2.describe_security_groups(
        Filters=[*by_vpc, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    shape = {
        "security_groups": _observed_security_groups(ec2, vpc, by_vpc, endpoints),
        "cidr": described["CidrBlock"],
        "internet_gateway": bool(gateways),
        "nat_gateway_zones": sorted(nat_zone.values()),
        "flow_logs": [f["TrafficType"] for f in flow_logs],
        "default_security_group_rules": len(default_group["IpPermissions"])
        + len(default_group["IpPermissionsEgress"]),
        "subnets": shaped_subnets,
        "transit_gateway_attachment": attachment,
        "endpoints": _observed_endpoints(emulator, vpc, endpoints, key_of, table_of, ids),
    }
    return shape, ids


def _permission_lines(
    direction: str, permission: dict[str, Any], names: dict[str, str]
) -> list[str]:
    """One line per peer of a permission: ``DIRECTION PROTOCOL FROM..TO PEER DESCRIPTION``
    (ports ``all`` when AWS reports none, as for protocol -1; a group peer by name)."""
    ports = f"{permission.get('FromPort', 'all')}..{permission.get('ToPort', 'all')}"
    head = f"{direction} {permission['IpProtocol']} {ports}"
    peers = [(r["CidrIp"], r.get("Description", "")) for r in permission.get("IpRanges", [])]
    peers += [
        (f"group {names.get(p['GroupId'], p['GroupId'])}", p.get("Description", ""))
        for p in permission.get("UserIdGroupPairs", [])
    ]
    peers += [(f"prefix-list {p['PrefixListId']}", "") for p in permission.get("PrefixListIds", [])]
    return [f"{head} {peer} {description}" for peer, description in peers]


def _observed_security_groups(
    ec2: Any, vpc: VpcPlan, by_vpc: list[dict[str, Any]], endpoints: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """The VPC's named security groups (by Name tag, without the stack name), each with its
    rules as lines; the default group and the generated endpoints' group are checked
    elsewhere."""
    groups = ec2.describe_security_groups(Filters=by_vpc)["SecurityGroups"]
    endpoint_groups = {g["GroupId"] for e in endpoints for g in e.get("Groups", [])}
    named = {group.name for group in vpc.security_groups}  # the config's, endpoints' too
    names = {
        g["GroupId"]: next(
            (t["Value"] for t in g.get("Tags", []) if t["Key"] == "Name"), "?"
        ).removeprefix(f"{vpc.stack_name}-")
        for g in groups
    }
    return {
        names[g["GroupId"]]: sorted(
            [
                *(
                    line
                    for p in g["IpPermissions"]
                    for line in _permission_lines("ingress", p, names)
                ),
                *(
                    line
                    for p in g["IpPermissionsEgress"]
                    for line in _permission_lines("egress", p, names)
                ),
            ]
        )
        for g in groups
        if g["GroupName"] != "default"
        and (g["GroupId"] not in endpoint_groups or names[g["GroupId"]] in named)
    }


def _short(service_name: str) -> str:
    """``com.amazonaws.us-east-1.ecr.dkr`` -> ``ecr.dkr``."""
    return service_name.split(".", 3)[3]


def _observed_endpoints(
    emulator: Emulator,
    vpc: VpcPlan,
    endpoints: list[dict[str, Any]],
    key_of: dict[str, str],
    table_of: dict[str, dict[str, Any]],
    ids: dict[str, str],
) -> Shape | None:
    """The VPC's endpoints in the oracle's shape: per gateway endpoint the subnets whose
    route tables it is on and its policy's statements; per interface endpoint its subnets,
    private DNS and policy; the HTTPS rules of their security groups; the managed policies
    of the role in the published Session Manager instance profile."""
    if not endpoints:
        return None
    ec2 = emulator.client("ec2", vpc.region, vpc.account_id)
    subnet_of_table = {table["RouteTableId"]: subnet for subnet, table in table_of.items()}
    shape: Shape = {"gateway": {}, "interface": {}, "https_from": [], "session_manager": None}
    groups: set[str] = set()
    for endpoint in endpoints:
        service = _short(endpoint["ServiceName"])
        statements = json.loads(endpoint["PolicyDocument"])["Statement"]
        ids[f"endpoint {service}"] = endpoint["VpcEndpointId"]
        if endpoint["VpcEndpointType"] == "Gateway":
            shape["gateway"][service] = {
                "route_tables": sorted(
                    key_of[subnet_of_table[t]] for t in endpoint.get("RouteTableIds", [])
                ),
                "policy": statements,
            }
            continue
        shape["interface"][service] = {
            "subnets": sorted(key_of[s] for s in endpoint.get("SubnetIds", [])),
            "private_dns": endpoint.get("PrivateDnsEnabled"),
            "policy": statements,
        }
        groups.update(g["GroupId"] for g in endpoint.get("Groups", []))
    for group in (
        ec2.describe_security_groups(GroupIds=sorted(groups))["SecurityGroups"] if groups else []
    ):
        for permission in group["IpPermissions"]:
            for cidr in permission.get("IpRanges", []):
                described = ", described" if cidr.get("Description") else ""
                shape["https_from"].append(
                    f"{permission['IpProtocol']} {permission.get('FromPort')}-"
                    f"{permission.get('ToPort')} from {cidr['CidrIp']}{described}"
                )
    shape["https_from"].sort()
    ssm = emulator.client("ssm", vpc.region, vpc.account_id)
    name = f"{vpc.parameter_prefix}/session-manager/instance-profile-name"
    try:
        profile_name = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return shape
    iam = emulator.client("iam", vpc.region, vpc.account_id)
    profile = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    granted: list[str] = []
    for role in profile["Roles"]:
        for policy in iam.list_attached_role_policies(RoleName=role["RoleName"])[
            "AttachedPolicies"
        ]:
            if ":iam::aws:policy/" in policy["PolicyArn"]:
                granted.append(policy["PolicyName"])  # AWS managed: by name
                continue
            version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
            document = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)[
                "PolicyVersion"
            ]["Document"]
            document = json.loads(document) if isinstance(document, str) else document
            for statement in document["Statement"]:
                actions = statement["Action"]
                granted += [actions] if isinstance(actions, str) else actions
    # The role published by ARN is the profile's role (what ec2.Instance elsewhere takes).
    published_role = ssm.get_parameter(
        Name=name.replace("instance-profile-name", "instance-role-arn")
    )
    roles = [role["Arn"] for role in profile["Roles"]]
    if roles != [published_role["Parameter"]["Value"]]:
        return {**shape, "session_manager": f"profile roles {roles} != published {published_role}"}
    shape["session_manager"] = sorted(granted)
    return shape


def observed_transit_gateway(
    emulator: Emulator,
    hub: StackPlan,
    vpc_names: dict[str, str],
    peering_names: dict[str, str] | None = None,
) -> Shape:
    """The Transit Gateway of hub stack ``hub`` in the oracle's shape, read in its owner's
    account. ``vpc_names``: {VPC id: name}; ``peering_names``: {peering attachment id:
    ``peering NAME``}. Its route tables are a list sorted by
    content, since a segment's name labels nothing that AWS reads."""
    ec2 = emulator.client("ec2", hub.region, hub.account_id)
    [tgw_id] = physical_ids(emulator, hub, "AWS::EC2::TransitGateway")
    [tgw] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    by_tgw = [{"Name": "transit-gateway-id", "Values": [tgw_id]}]
    attachments = ec2.describe_transit_gateway_attachments(Filters=by_tgw)[
        "TransitGatewayAttachments"
    ]
    name_of = {
        a["TransitGatewayAttachmentId"]: vpc_names[a["ResourceId"]]
        for a in attachments
        if a["ResourceType"] == "vpc"
    }
    name_of.update(peering_names or {})
    tables = []
    for table in ec2.describe_transit_gateway_route_tables(Filters=by_tgw)[
        "TransitGatewayRouteTables"
    ]:
        table_id = table["TransitGatewayRouteTableId"]
        associations = ec2.get_transit_gateway_route_table_associations(
            TransitGatewayRouteTableId=table_id
        )["Associations"]
        propagations = ec2.get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=table_id
        )["TransitGatewayRouteTablePropagations"]
        routes = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table_id,
            Filters=[{"Name": "type", "Values": ["static"]}],
        )["Routes"]
        tables.append(
            {
                "associated": sorted(
                    name_of[a["TransitGatewayAttachmentId"]] for a in associations
                ),
                "propagating": sorted(
                    name_of[p["TransitGatewayAttachmentId"]] for p in propagations
                ),
                "static_routes": {
                    r["DestinationCidrBlock"]: "blackhole"
                    if r["State"] == "blackhole"
                    else name_of[r["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"]]
                    for r in routes
                },
            }
        )
    ram = emulator.client("ram", hub.region, hub.account_id)
    shares = [
        a["resourceShareArn"]
        for a in ram.get_resource_share_associations(
            associationType="RESOURCE", resourceArn=tgw["TransitGatewayArn"]
        )["resourceShareAssociations"]
    ]
    principals = (
        ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=shares)[
            "resourceShareAssociations"
        ]
        if shares
        else []
    )
    options = tgw["Options"]
    return {
        "account": tgw["OwnerId"],
        "amazon_side_asn": options["AmazonSideAsn"],
        "default_route_table_association": options["DefaultRouteTableAssociation"],
        "default_route_table_propagation": options["DefaultRouteTablePropagation"],
        "shared_with": sorted(p["associatedEntity"] for p in principals),
        "route_tables": sort_route_tables(tables),
    }


def sort_route_tables(tables: list[Shape]) -> list[Shape]:
    return sorted(
        tables, key=lambda t: (t["associated"], t["propagating"], sorted(t["static_routes"]))
    )


def route_tables_are_one_per_subnet(ids: dict[str, str]) -> bool:
    tables = [v for k, v in ids.items() if k.startswith("route table ")]
    return "none" not in tables and len(set(tables)) == len(tables)
