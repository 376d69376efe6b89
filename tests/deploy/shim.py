"""The one shape every emulator model shares (tests/deploy/emulator.py, endpoint_models.py).

moto finds CloudFormation models among the direct subclasses of its ``CloudFormationModel``,
so each model still lists it as a base; what they all declare the same way lives here: the
type (``CFN_TYPE``), the property that names a resource (``NAME_TYPE``, none by default),
and the attributes ``Fn::GetAtt`` may read (``ATTRIBUTES``, or those of the moto model the
shim stands in for, ``ATTRIBUTES_OF``).
"""

from __future__ import annotations

from typing import Any, ClassVar


class Shim:
    CFN_TYPE: ClassVar[str]
    NAME_TYPE: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[frozenset[str]] = frozenset()
    ATTRIBUTES_OF: ClassVar[Any] = None
    """A moto model class whose ``has_cfn_attr`` answers instead of ``ATTRIBUTES``."""

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_TYPE

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.CFN_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        if cls.ATTRIBUTES_OF is not None:
            return bool(cls.ATTRIBUTES_OF.has_cfn_attr(attr))
        return attr in cls.ATTRIBUTES
