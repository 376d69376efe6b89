"""The one error type of multivpc's constructs."""

from __future__ import annotations


class ConstructArgumentError(ValueError):
    """An argument a construct cannot build from, raised before anything is created.

    ``path`` is the construct's path in the tree (``Stack/core``), ``problem`` the rule
    that was broken, in one line; ``str()`` shows ``PATH: PROBLEM``.
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
