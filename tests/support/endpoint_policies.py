"""What restricted endpoint policies allow of AWS's own resources, written down from the
AWS pages the README links (the tests' oracle, not read from multivpc)."""

from __future__ import annotations

AWS_OWNED_BUCKETS = (
    # Amazon Linux 2 and 2023 package repositories
    "packages.{r}.amazonaws.com",
    "repo.{r}.amazonaws.com",
    "amazonlinux.{r}.amazonaws.com",
    "amazonlinux-2-repos-{r}",
    "al2023-{r}",
    "al2023-repos-{r}-de612dc2",
    # SSM Agent
    "aws-ssm-{r}",
    "aws-windows-downloads-{r}",
    "amazon-ssm-{r}",
    "amazon-ssm-packages-{r}",
    "{r}-birdwatcher-prod",
    "aws-ssm-distributor-file-{r}",
    "aws-ssm-document-attachments-{r}",
    "patch-baseline-snapshot-{r}",
    "aws-patchmanager-macos-{r}",
    # CloudWatch agent
    "amazoncloudwatch-agent-{r}",
    "amazoncloudwatch-agent",
)
"""AWS's buckets instances read without credentials, with ``{r}`` for the region."""

SSM_ACTIONS = [
    "ssm:Describe*",
    "ssm:List*",
    "ssm:Get*",
    "ssm:SendCommand",
    "ssm:CreateAssociation",
    "ssm:StartSession",
]
"""What the network's principals may do with AWS-owned parameters and documents."""

STS_FEDERATED = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
"""Sign-in calls that reach the network's roles only."""


def restricted_statements(
    service: str, region: str, principal: dict[str, object], resource: dict[str, object]
) -> list[dict[str, object]]:
    """The statements of a restricted policy for ``service`` (before any extra one)."""
    anyone = {"Effect": "Allow", "Principal": "*"}
    statements: list[dict[str, object]] = [
        {
            "Sid": "NetworkPrincipalsToNetworkResources",
            **anyone,
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {**principal, **resource}},
        }
    ]
    if service == "s3":
        statements.append(
            {
                "Sid": "AwsOwnedBucketsInstancesRead",
                **anyone,
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{b.format(r=region)}/*" for b in AWS_OWNED_BUCKETS],
            }
        )
    if service == "ssm":
        statements.append(
            {
                "Sid": "NetworkPrincipalsToAwsOwnedSsm",
                **anyone,
                "Action": SSM_ACTIONS,
                "Resource": [
                    f"arn:aws:ssm:{region}::parameter/aws/*",
                    f"arn:aws:ssm:{region}::document/*",
                ],
                "Condition": {"StringEquals": principal},
            }
        )
    if service == "sts":
        statements.append(
            {
                "Sid": "FederatedCallersToNetworkRoles",
                **anyone,
                "Action": STS_FEDERATED,
                "Resource": "*",
                "Condition": {"StringEquals": resource},
            }
        )
    return statements
