"""What exists in the emulator, read with boto3, against what the plan asked for.

Both sides are reduced to the same plain shape, so a failing test prints a readable diff:
per VPC its CIDR, internet gateway, NAT gateway zones, flow logs, default security group
rules, and per subnet (zone, CIDR) its own route table's routes.
"""

from __future__ import annotations

from typing import Any

from multivpc.plan import VpcPlan
from tests.deploy.emulator import Emulator

Shape = dict[str, Any]


def stack_vpc_id(emulator: Emulator, vpc: VpcPlan) -> str:
    cloudformation = emulator.client("cloudformation", vpc.region, vpc.account_id)
    resources = cloudformation.describe_stack_resources(StackName=vpc.stack_name)["StackResources"]
    [vpc_id] = [
        r["PhysicalResourceId"] for r in resources if r.get("ResourceType") == "AWS::EC2::VPC"
    ]
    return str(vpc_id)


def observed_vpc(emulator: Emulator, vpc: VpcPlan) -> tuple[Shape, dict[str, str]]:
    """The deployed VPC in the plan's shape, and the physical ids behind it."""
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
    }
    return shape, ids


def route_tables_are_one_per_subnet(ids: dict[str, str]) -> bool:
    tables = [v for k, v in ids.items() if k.startswith("route table ")]
    return "none" not in tables and len(set(tables)) == len(tables)
