"""What exists in the emulator, read with boto3, against what the oracle expects.

Both sides are reduced to the same plain shape, so a failing test prints a readable diff:
per VPC its CIDR, internet gateway, NAT gateway zones, flow logs, default security group
rules, its Transit Gateway attachment, and per subnet (zone, CIDR) its own route table's
routes; per Transit Gateway its owner, options, RAM share and route tables. The plan only
says where to look (stack names, accounts, regions).
"""

from __future__ import annotations

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
            if target.startswith("igw-"):
                target = "internet-gateway"
            elif target in nat_zone:
                target = f"nat-gateway in {nat_zone[target]}"
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
        "cidr": described["CidrBlock"],
        "internet_gateway": bool(gateways),
        "nat_gateway_zones": sorted(nat_zone.values()),
        "flow_logs": [f["TrafficType"] for f in flow_logs],
        "default_security_group_rules": len(default_group["IpPermissions"])
        + len(default_group["IpPermissionsEgress"]),
        "subnets": shaped_subnets,
        "transit_gateway_attachment": attachment,
    }
    return shape, ids


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
