"""The stories of everyday activity: background reads, console logins, a brute-force burst,
root usage, security group changes, access-denied bursts, other errors and service events.

Each story is one function of a :class:`~looker_ops.sample_data.world.DayContext` that appends
the records of one account's day (see :data:`looker_ops.sample_data.generate.STORIES`).
"""

from __future__ import annotations

import datetime as dt
import random

from looker_ops.sample_data.world import (
    ALICE,
    API_CALLERS,
    APP_ROLE,
    BRUTE_FORCE_IP,
    CI,
    CONSOLE_USERS,
    DAVE,
    GLOBAL_REGION,
    LAMBDA_ROLE,
    ROOT,
    SSO_ADMIN,
    SSO_READ,
    Actor,
    DayContext,
    Record,
    access_key,
    denied,
)

# --------------------------------------------------------------------------- stories


def story_background_reads(ctx: DayContext) -> None:
    """Benign read-only traffic (Describe/List/Get) from several actors, plus S3 data events."""
    calls: tuple[tuple[str, str, Record | None], ...] = (
        ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
        ("ec2.amazonaws.com", "DescribeSecurityGroups", {"securityGroupSet": {}, "securityGroupIdSet": {}}),
        ("ec2.amazonaws.com", "DescribeVpcs", None),
        ("iam.amazonaws.com", "ListRoles", None),
        ("iam.amazonaws.com", "GetUser", {"userName": "alice"}),
        ("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
        ("sts.amazonaws.com", "GetCallerIdentity", None),
        ("cloudtrail.amazonaws.com", "LookupEvents", {"maxResults": 50}),
        ("kms.amazonaws.com", "ListKeys", None),
        ("logs.amazonaws.com", "DescribeLogGroups", {"limit": 50}),
        ("lambda.amazonaws.com", "ListFunctions20150331", None),
        ("monitoring.amazonaws.com", "GetMetricData", None),
    )
    for _ in range(ctx.rng.randint(14, 20)):
        actor = ctx.rng.choice(API_CALLERS)
        source, name, req = ctx.rng.choice(calls)
        region = GLOBAL_REGION if source in ("iam.amazonaws.com", "sts.amazonaws.com") else None
        ctx.event(
            actor, source, name, request=req, region=region, read_only=True, console=actor.kind == "SSO"
        )
    bucket = f"app-data-{ctx.account}"
    for _ in range(ctx.rng.randint(3, 5)):
        key = f"reports/{ctx.day:%Y/%m/%d}/{ctx.rng.randint(1, 999)}.csv"
        name = ctx.rng.choice(("GetObject", "GetObject", "PutObject"))
        ctx.event(
            APP_ROLE,
            "s3.amazonaws.com",
            name,
            category="Data",
            read_only=name == "GetObject",
            region=ctx.regions[0],  # the bucket's region
            request={"bucketName": bucket, "Host": f"{bucket}.s3.{ctx.regions[0]}.amazonaws.com", "key": key},
            additional={
                "SignatureVersion": "SigV4",
                "bytesTransferredIn": 0,
                "bytesTransferredOut": ctx.rng.randint(200, 90000),
                "x-amz-id-2": ctx.hexid(""),
            },
            resources=[
                {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                {"accountId": ctx.account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
            ],
        )


def console_login(
    ctx: DayContext,
    actor: Actor,
    *,
    success: bool,
    when: dt.datetime | None = None,
    ip: str | None = None,
    hidden_user: bool = False,
) -> Record:
    when = when or ctx.at()
    # A federated (SSO, SAML) sign-in reports MFAUsed No: MFA happened at the identity provider.
    federated = actor.kind in ("SSO", "SAML")
    mfa_used = "Yes" if not federated and actor.mfa else "No"
    additional: Record = {
        "LoginTo": "https://console.aws.amazon.com/console/home",
        "MobileVersion": "No",
        "MFAUsed": mfa_used,
    }
    if actor.kind == "IAMUser" and actor.mfa and success:
        additional["MFAIdentifier"] = f"arn:aws:iam::{ctx.account}:mfa/{actor.name}"
    if actor.kind == "SAML":
        additional["SamlProviderArn"] = f"arn:aws:iam::{ctx.account}:saml-provider/corp-idp"
    identity = actor.identity(ctx, when)
    if not federated:  # sign-in events carry no session yet
        identity.pop("sessionContext", None)
        identity["accessKeyId"] = ""
    else:
        identity.pop("accessKeyId", None)
    if hidden_user:
        identity = {
            "type": "IAMUser",
            "accountId": ctx.account,
            "accessKeyId": "",
            "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
        }
    return ctx.event(
        actor,
        "signin.amazonaws.com",
        "ConsoleLogin",
        when=when,
        region=GLOBAL_REGION,
        ip=ip,
        event_type="AwsConsoleSignIn",
        identity=identity,
        read_only=False,
        request=None,
        response={"ConsoleLogin": "Success" if success else "Failure"},
        additional=additional,
        error=None if success else ("", "Failed authentication"),
    )


def story_console_logins(ctx: DayContext) -> None:
    """Daily console sign-ins: users with MFA, dave without, SSO sessions, a few typos."""
    for actor in CONSOLE_USERS:
        if ctx.rng.random() < 0.75:
            console_login(ctx, actor, success=True, when=ctx.at(ctx.rng.randint(7, 10)))
            if actor is ALICE and ctx.rng.random() < 0.6:  # alice travels: a second IP the same day
                console_login(
                    ctx,
                    actor,
                    success=True,
                    when=ctx.at(ctx.rng.randint(13, 18)),
                    ip=ctx.rng.choice(actor.ips),
                )
        if ctx.rng.random() < 0.15 and actor.kind == "IAMUser":
            console_login(ctx, actor, success=False)


def story_brute_force(ctx: DayContext) -> None:
    """A burst of failed sign-ins from one suspicious IP (first account, every fourth day)."""
    if ctx.account_index != 0 or ctx.day_index % 4 != 2:
        return
    start = ctx.at(3, ctx.rng.randint(0, 40))
    for i in range(ctx.rng.randint(12, 18)):
        rec = console_login(
            ctx,
            ALICE if i % 3 == 0 else DAVE,
            success=False,
            when=start + dt.timedelta(seconds=7 * i),
            ip=BRUTE_FORCE_IP,
            hidden_user=i % 3 == 2,
        )
        rec["userAgent"] = "python-requests/2.31.0"


def story_root_usage(ctx: DayContext) -> None:
    """Root signs in and calls APIs (no invokedBy); root calls made by a service (invokedBy)."""
    if ctx.day_index % 3 == 0:
        when = ctx.at(21)
        console_login(ctx, ROOT, success=True, when=when)
        ctx.event(
            ROOT,
            "iam.amazonaws.com",
            "ListAccessKeys",
            region=GLOBAL_REGION,
            when=when + dt.timedelta(minutes=2),
            console=True,
            request=None,
        )
        ctx.event(
            ROOT,
            "account.amazonaws.com",
            "PutAlternateContact",
            region=GLOBAL_REGION,
            when=when + dt.timedelta(minutes=4),
            console=True,
            request={"alternateContactType": "SECURITY", "emailAddress": "HIDDEN_DUE_TO_SECURITY_REASONS"},
        )
    if ctx.day_index % 5 == 1:
        identity = {
            "type": "Root",
            "principalId": ctx.account,
            "arn": f"arn:aws:iam::{ctx.account}:root",
            "accountId": ctx.account,
            "invokedBy": "support.amazonaws.com",
        }
        ctx.event(
            ROOT,
            "iam.amazonaws.com",
            "GetAccountSummary",
            region=GLOBAL_REGION,
            identity=identity,
            ip="support.amazonaws.com",
            read_only=True,
        )


def permission(
    rng: random.Random, port: int, cidr: str | None = None, cidr6: str | None = None, proto: str = "tcp"
) -> Record:
    perm: Record = {"ipProtocol": proto, "fromPort": port, "toPort": port, "groups": {}}
    perm["ipRanges"] = {"items": [{"cidrIp": cidr}]} if cidr else {}
    perm["ipv6Ranges"] = {"items": [{"cidrIpv6": cidr6}]} if cidr6 else {}
    perm["prefixListIds"] = {}
    return perm


def story_security_groups(ctx: DayContext) -> None:
    """Security group lifecycle; some rules opened to 0.0.0.0/0 and ::/0; one denied attempt.

    Long: one function over 80 lines on purpose: the steps share the day's group ids and the order of
    the random draws, which fixes the bundled sample's bytes.
    """
    rng = ctx.rng
    actor = rng.choice((CI, SSO_ADMIN))
    region = ctx.region()
    vpc = ctx.hexid("vpc-")
    group_id = ctx.hexid("sg-")
    name = rng.choice(("web", "bastion", "db", "cache")) + f"-{ctx.day:%m%d}"
    base = ctx.at()
    ctx.event(
        actor,
        "ec2.amazonaws.com",
        "CreateSecurityGroup",
        region=region,
        when=base,
        request={"groupName": name, "groupDescription": f"{name} security group", "vpcId": vpc},
        response={"requestId": ctx.guid(), "_return": True, "groupId": group_id},
        console=actor.kind == "SSO",
    )
    rules: list[tuple[str, Record]] = [
        ("AuthorizeSecurityGroupIngress", permission(rng, 443, cidr="10.0.0.0/16")),
    ]
    if ctx.day_index % 2 == 0:
        rules.append(
            ("AuthorizeSecurityGroupIngress", permission(rng, rng.choice((22, 3389)), cidr="0.0.0.0/0"))
        )
    if ctx.day_index % 3 == 1:
        rules.append(("AuthorizeSecurityGroupIngress", permission(rng, 80, cidr6="::/0")))
    rules.append(("AuthorizeSecurityGroupEgress", permission(rng, 5432, cidr="10.0.8.0/24")))
    if ctx.day_index % 2 == 0:
        rules.append(("RevokeSecurityGroupIngress", rules[1][1]))
    rules.append(("RevokeSecurityGroupEgress", permission(rng, -1, cidr="0.0.0.0/0", proto="-1")))
    for i, (event_name, perm) in enumerate(rules, start=1):
        egress = "Egress" in event_name
        rule: Record = {
            "groupOwnerId": ctx.account,
            "groupId": group_id,
            "securityGroupRuleId": ctx.hexid("sgr-"),
            "isEgress": egress,
            "ipProtocol": perm["ipProtocol"],
            "fromPort": perm["fromPort"],
            "toPort": perm["toPort"],
        }
        if perm["ipRanges"]:
            rule["cidrIpv4"] = perm["ipRanges"]["items"][0]["cidrIp"]
        else:
            rule["cidrIpv6"] = perm["ipv6Ranges"]["items"][0]["cidrIpv6"]
        response: Record = {"requestId": ctx.guid(), "_return": True}
        if event_name.startswith("Authorize"):
            response["securityGroupRuleSet"] = {"items": [rule]}
        ctx.event(
            actor,
            "ec2.amazonaws.com",
            event_name,
            region=region,
            when=base + dt.timedelta(minutes=i),
            request={"groupId": group_id, "ipPermissions": {"items": [perm]}},
            response=response,
            console=actor.kind == "SSO",
        )
    if ctx.day_index % 3 == 2:
        ctx.event(
            actor,
            "ec2.amazonaws.com",
            "DeleteSecurityGroup",
            region=region,
            when=base + dt.timedelta(hours=3),
            request={"groupId": group_id},
            response={"requestId": ctx.guid(), "_return": True, "groupId": group_id},
        )
    if ctx.day_index % 4 == 1:  # a developer without permission tries to open SSH to the world
        ctx.event(
            SSO_READ,
            "ec2.amazonaws.com",
            "AuthorizeSecurityGroupIngress",
            region=region,
            request={
                "groupId": group_id,
                "ipPermissions": {"items": [permission(rng, 22, cidr="0.0.0.0/0")]},
            },
            error=(
                "Client.UnauthorizedOperation",
                "You are not authorized to perform this operation. "
                "User: arn:aws:sts::"
                + ctx.account
                + ":assumed-role/"
                + SSO_READ.role
                + "/"
                + SSO_READ.name
                + " is not authorized to perform: ec2:AuthorizeSecurityGroupIngress",
            ),
            console=True,
        )


def story_access_denied(ctx: DayContext) -> None:
    """Access-denied bursts from a misconfigured role, and the benign denials CIS v1.5 excludes."""
    burst = 10 if ctx.day_index % 3 == 0 else 2
    start = ctx.at()
    for i in range(burst):
        action, source, name, resource = ctx.rng.choice(
            (
                (
                    "s3:GetObject",
                    "s3.amazonaws.com",
                    "GetObject",
                    f"arn:aws:s3:::finance-{ctx.account}/q3.csv",
                ),
                ("iam:ListRoles", "iam.amazonaws.com", "ListRoles", f"arn:aws:iam::{ctx.account}:role/"),
                (
                    "secretsmanager:GetSecretValue",
                    "secretsmanager.amazonaws.com",
                    "GetSecretValue",
                    f"arn:aws:secretsmanager:us-east-1:{ctx.account}:secret:db-password",
                ),
            )
        )
        ctx.event(
            LAMBDA_ROLE,
            source,
            name,
            when=start + dt.timedelta(seconds=20 * i),
            region=GLOBAL_REGION if source == "iam.amazonaws.com" else None,
            error=("AccessDenied", denied(LAMBDA_ROLE, ctx.account, action, resource)),
            request={"secretId": "db-password"} if name == "GetSecretValue" else None,
            category="Data" if name == "GetObject" else "Management",
        )
    ctx.event(
        APP_ROLE,
        "ec2.amazonaws.com",
        "TerminateInstances",
        request={"instancesSet": {"items": [{"instanceId": ctx.hexid("i-")}]}},
        error=("Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
    )
    ctx.event(
        Actor("AWSService", "delivery.logs.amazonaws.com"),
        "s3.amazonaws.com",
        "PutObject",
        category="Data",
        read_only=False,
        error=("AccessDenied", "Access Denied"),
        request={"bucketName": f"flow-logs-{ctx.account}", "key": "AWSLogs/x.log.gz"},
    )
    ctx.event(
        CI,
        "s3.amazonaws.com",
        "HeadBucket",
        category="Data",
        read_only=True,
        error=("AccessDenied", "Access Denied"),
        request={"bucketName": "someone-elses-bucket"},
    )


def story_other_errors(ctx: DayContext) -> None:
    """Throttling, not-found and validation errors (recurring errors on the operations dashboard)."""
    errors = (
        (
            APP_ROLE,
            "ec2.amazonaws.com",
            "DescribeInstances",
            "Client.RequestLimitExceeded",
            "Request limit exceeded.",
        ),
        (CI, "cloudformation.amazonaws.com", "DescribeStacks", "ThrottlingException", "Rate exceeded"),
        (
            CI,
            "iam.amazonaws.com",
            "GetRole",
            "NoSuchEntityException",
            "The role with name old-role cannot be found.",
        ),
        (
            SSO_ADMIN,
            "ec2.amazonaws.com",
            "DescribeSecurityGroups",
            "Client.InvalidGroup.NotFound",
            "The security group 'sg-0deadbeef' does not exist",
        ),
        (
            CI,
            "lambda.amazonaws.com",
            "GetFunction20150331v2",
            "ResourceNotFoundException",
            "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:gone",
        ),
        (
            CI,
            "ec2.amazonaws.com",
            "RunInstances",
            "Client.InvalidParameterValue",
            "Value (t9.nano) for parameter instanceType is invalid.",
        ),
        (
            APP_ROLE,
            "dynamodb.amazonaws.com",
            "CreateTable",
            "ValidationException",
            "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint",
        ),
    )
    for actor, source, name, code, message in ctx.rng.sample(errors, 4):
        for _ in range(ctx.rng.randint(1, 3)):
            ctx.event(
                actor,
                source,
                name,
                error=(code, message),
                region=GLOBAL_REGION if source == "iam.amazonaws.com" else None,
                request={"roleName": "old-role"} if name == "GetRole" else None,
            )


def story_service_events(ctx: DayContext) -> None:
    """AwsServiceEvent records and calls made by AWS services on the account's behalf."""
    kms = Actor("AWSService", "kms.amazonaws.com")
    key_arn = f"arn:aws:kms:{ctx.regions[0]}:{ctx.account}:key/{ctx.guid()}"
    rec = ctx.event(
        kms,
        "kms.amazonaws.com",
        "RotateKey",
        event_type="AwsServiceEvent",
        identity={"accountId": ctx.account, "invokedBy": "kms.amazonaws.com"},
        region=ctx.regions[0],
        resources=[{"accountId": ctx.account, "type": "AWS::KMS::Key", "ARN": key_arn}],
        read_only=False,
    )
    del rec["userAgent"]
    rec["serviceEventDetails"] = {"keyId": key_arn.rsplit("/", 1)[1]}
    ec2 = Actor("AWSService", "ec2.amazonaws.com")
    ctx.event(
        ec2,
        "sts.amazonaws.com",
        "AssumeRole",
        request={"roleArn": f"arn:aws:iam::{ctx.account}:role/app-server", "roleSessionName": APP_ROLE.name},
        response={
            "credentials": {
                "accessKeyId": access_key(ctx.rng, temporary=True),
                "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE",
                "expiration": "Nov 20, 2026, 11:00:00 PM",
            }
        },
        resources=[
            {
                "accountId": ctx.account,
                "type": "AWS::IAM::Role",
                "ARN": f"arn:aws:iam::{ctx.account}:role/app-server",
            }
        ],
    )
    if ctx.day_index % 2 == 1:
        rec = ctx.event(
            Actor("AWSService", "ec2.amazonaws.com"),
            "ec2.amazonaws.com",
            "SharedSnapshotCopyInitiated",
            event_type="AwsServiceEvent",
            read_only=False,
            identity={"accountId": "123456789012", "invokedBy": "ec2.amazonaws.com"},
        )
        rec["serviceEventDetails"] = {"snapshotId": ctx.hexid("snap-")}
