"""The AWS services a VPC endpoint may be asked for, and the named endpoint sets.

This is the one place multivpc keeps them. A config names a service by what follows
``com.amazonaws.<region>.`` in its endpoint service name (``ssm``, ``ecr.api``).

Source: "AWS services that integrate with AWS PrivateLink", AWS PrivateLink user guide,
https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
and "Gateway endpoints", https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
(transcribed 2026-12-03; the commonly used services, not all of them). A service missing
here is refused with the closest known names: add it to ``INTERFACE_SERVICES`` (one line)
after checking it on that page, in every region the config uses
(``aws ec2 describe-vpc-endpoint-services --region REGION``).

S3 and DynamoDB also offer interface endpoints; multivpc builds their gateway endpoints
only (free of charge, and without the private-DNS interplay an S3 interface endpoint has
with a gateway endpoint in the same VPC).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

SOURCE = "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html"
TRANSCRIBED = "2026-12-03"

GATEWAY_SERVICES: tuple[str, ...] = ("dynamodb", "s3")
"""Services with gateway endpoints: routes in route tables, no network interface, no charge."""

INTERFACE_SERVICES: frozenset[str] = frozenset(
    {
        "access-analyzer", "acm-pca", "airflow.api", "airflow.env", "airflow.ops",
        "application-autoscaling", "appmesh-envoy-management", "apprunner", "appstream.api",
        "appsync-api", "aps", "aps-workspaces", "athena", "auditmanager", "autoscaling",
        "autoscaling-plans", "backup", "batch", "bedrock", "bedrock-agent",
        "bedrock-agent-runtime", "bedrock-runtime", "cloudcontrolapi", "cloudformation",
        "cloudhsmv2", "cloudtrail", "codeartifact.api", "codeartifact.repositories",
        "codebuild", "codecommit", "codedeploy", "codedeploy-commands-secure",
        "codepipeline", "cognito-identity", "cognito-idp", "comprehend", "config",
        "databrew", "dataexchange", "datasync", "dms", "ds", "ebs", "ec2", "ec2messages",
        "ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "eks", "eks-auth",
        "elasticbeanstalk", "elasticbeanstalk-health", "elasticfilesystem",
        "elasticloadbalancing", "elasticmapreduce", "email-smtp", "emr-containers",
        "emr-serverless", "es", "events", "execute-api", "firehose", "fsx", "glue",
        "grafana", "guardduty-data", "iam", "identitystore", "imagebuilder", "inspector2",
        "iot.data", "kafka", "kendra", "kinesis-firehose", "kinesis-streams", "kms",
        "kms-fips", "lakeformation", "lambda", "license-manager", "logs", "macie2",
        "monitoring", "network-firewall", "notebook", "organizations", "rds", "rds-data",
        "redshift", "redshift-data", "rekognition", "route53resolver", "s3-outposts",
        "sagemaker.api", "sagemaker.runtime", "secretsmanager", "securityhub",
        "servicecatalog", "ses", "sns", "sqs", "ssm", "ssm-contacts", "ssm-incidents",
        "ssmmessages", "states", "storagegateway", "sts", "synthetics", "textract",
        "transfer", "transfer.server", "translate", "workspaces", "xray",
    }
)  # fmt: skip
"""Services with interface endpoints (AWS PrivateLink), by short name."""

ENDPOINT_SETS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "session-manager": (
        ("ec2messages", "ssm", "ssmmessages"),
        (),
        "Session Manager and Run Command from subnets without a route out: the SSM agent "
        "registers with ssm, takes commands over ec2messages and opens shells over "
        "ssmmessages",
    ),
    "secrets": (
        ("kms", "secretsmanager"),
        (),
        "reading secrets: Secrets Manager, and KMS, which decrypts them (and anything else "
        "encrypted with a customer managed key)",
    ),
    "ecr": (
        ("ecr.api", "ecr.dkr"),
        ("s3",),
        "pulling container images: ecr.api authenticates, ecr.dkr serves manifests, and "
        "image layers come from S3 through the gateway endpoint",
    ),
    "logging": (
        ("logs", "monitoring"),
        (),
        "the CloudWatch agent and awslogs drivers: logs for log events, monitoring for metrics",
    ),
    "sts": (
        ("sts",),
        (),
        "temporary credentials: assuming roles and IRSA / web identity without the internet",
    ),
}
"""Named endpoint sets, by name: (interface services, gateway services, why the set exists)."""


def service_name(region: str, service: str) -> str:
    """The endpoint service name AWS uses: ``com.amazonaws.us-east-1.ssm``."""
    return f"com.amazonaws.{region}.{service}"


AWS_OWNED_BUCKETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Amazon Linux 2 package repositories (yum)",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/al2-live-patching.html",
        (
            "packages.{region}.amazonaws.com",
            "repo.{region}.amazonaws.com",
            "amazonlinux.{region}.amazonaws.com",
            "amazonlinux-2-repos-{region}",
        ),
    ),
    (
        "Amazon Linux 2023 package repositories (dnf)",
        "https://docs.aws.amazon.com/linux/al2023/ug/live-patching.html",
        ("al2023-{region}", "al2023-repos-{region}-de612dc2"),
    ),
    (
        "SSM Agent updates, plugins, documents and patch baselines",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
        "ssm-agent-minimum-s3-permissions.html",
        (
            "aws-ssm-{region}",
            "aws-windows-downloads-{region}",
            "amazon-ssm-{region}",
            "amazon-ssm-packages-{region}",
            "{region}-birdwatcher-prod",
            "aws-ssm-distributor-file-{region}",
            "aws-ssm-document-attachments-{region}",
            "patch-baseline-snapshot-{region}",
            "aws-patchmanager-macos-{region}",
        ),
    ),
    (
        "CloudWatch agent packages",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
        "download-cloudwatch-agent-commandline.html",
        ("amazoncloudwatch-agent-{region}", "amazoncloudwatch-agent"),
    ),
)
"""AWS-owned S3 buckets that instances read from without credentials, through an S3
endpoint (what restricted S3 policies let anyone in the VPC read): (what reads them, the
AWS page that names them, bucket names with ``{region}``). Collected in the AWS data
perimeter examples, vpc_endpoint_policies/README.md of aws-samples/
data-perimeter-policy-examples (transcribed 2026-12-07)."""

SSM_AWS_OWNED: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "ssm:Describe*",
        "ssm:List*",
        "ssm:Get*",
        "ssm:SendCommand",
        "ssm:CreateAssociation",
        "ssm:StartSession",
    ),
    ("parameter/aws/*", "document/*"),
)
"""What the network's principals may do, through an ssm endpoint, with AWS-owned Systems
Manager resources (``arn:PARTITION:ssm:REGION::`` + each): public parameters (the latest
AMI ids, for example) and AWS-owned documents (``AWS-RunShellScript``,
``AWS-StartSSHSession``). Source: the data perimeter examples'
vpc_endpoint_policies/ssm_endpoint_policy.json and
https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-finding-public-parameters.html."""

STS_FEDERATED_ACTIONS: tuple[str, ...] = (
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
)
"""Calls an sts endpoint carries for callers that are not yet principals of any account (a
pod's web identity token, a SAML assertion): restricted sts policies allow them into the
network's roles only. Source: the data perimeter examples'
vpc_endpoint_policies/sts_endpoint_policy.json."""


def resolve_services(names: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (interface, gateway) services that ``names`` stand for, each sorted and
    distinct: a set name (``session-manager``) brings its services, a gateway service
    (``s3``) its gateway endpoint, an interface service (``ssm``) its interface endpoint.

    Raises:
        ValueError: a name that is none of them (the closest known names suggested), or a
            full endpoint service name where the short one is asked for.
    """
    interface: set[str] = set()
    gateway: set[str] = set()
    for name in names:
        if name in ENDPOINT_SETS:
            interface.update(ENDPOINT_SETS[name][0])
            gateway.update(ENDPOINT_SETS[name][1])
        elif name in GATEWAY_SERVICES:
            gateway.add(name)
        elif name in INTERFACE_SERVICES:
            interface.add(name)
        elif name.startswith(("com.amazonaws.", "aws.")):
            short = name.split(".", 3)[-1] if name.startswith("com.amazonaws.") else name
            raise ValueError(
                f"service {name!r} is a full endpoint service name; give the short name "
                f"({short!r}), or an InterfaceEndpointSpec with service_name={name!r}"
            )
        else:
            known = sorted({*GATEWAY_SERVICES, *INTERFACE_SERVICES, *ENDPOINT_SETS})
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(
                f"service {name!r} is no known endpoint service or set{hint} (the list: "
                "multivpc/endpoint_services.py)"
            )
    return tuple(sorted(interface)), tuple(sorted(gateway))


def is_endpoint_service_name(name: str) -> bool:
    """``name`` has the shape of an endpoint service name, not a short one: AWS's
    (``com.amazonaws.REGION.SERVICE``, ``aws.sagemaker.REGION.notebook``, China's
    ``cn.com.amazonaws.REGION.SERVICE``) or a PrivateLink service's
    (``com.amazonaws.vpce.REGION.vpce-svc-...``)."""
    return name.startswith(("com.amazonaws.", "cn.com.amazonaws.", "aws.")) and name.count(".") >= 3
