"""Facts derived once from a shape-valid config: zones per group, subnet placement,
public and NAT zones. Rules and the plan both receive a ``Topology``."""

from multivpc.topology.allocation import AllocationError, PlacedSubnet, Placement, overlapping
from multivpc.topology.network import GroupTopology, Topology, VpcTopology, topology
from multivpc.topology.pools import AddressPlan, AddressProblem, Origin, free_blocks, lowest_free
from multivpc.topology.transit import (
    AttachmentTopology,
    TransitGatewayPeeringEnd,
    TransitGatewayPeeringTopology,
    TransitTopology,
)

__all__ = [
    "AddressPlan",
    "AddressProblem",
    "AllocationError",
    "AttachmentTopology",
    "GroupTopology",
    "Origin",
    "PlacedSubnet",
    "Placement",
    "Topology",
    "TransitGatewayPeeringEnd",
    "TransitGatewayPeeringTopology",
    "TransitTopology",
    "VpcTopology",
    "free_blocks",
    "lowest_free",
    "overlapping",
    "topology",
]
