"""Stacks: translate the plan into construct calls and encode deploy order."""

from multivpc.stacks.network_app import add_network
from multivpc.stacks.vpc_stack import VpcStack

__all__ = ["VpcStack", "add_network"]
