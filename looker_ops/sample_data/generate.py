"""Deterministic CloudTrail sample generator.

Writes CloudTrail log files exactly as CloudTrail delivers them to S3: gzip JSON documents
``{"Records": [...]}`` under
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 chars>.json.gz``.
The records use CloudTrail's own camelCase keys and shapes.

The events are produced by a table of *stories* (:data:`STORIES`), one small function each,
so every story a dashboard tells has data: console logins (with and without MFA, failures,
a brute-force burst, several countries), root usage, security groups opened to the world,
access-denied bursts, throttling/not-found/validation errors, service events, one event or
more for every CIS CloudTrail monitoring control, and benign read-only background traffic.

The output depends only on the arguments: the same seed gives the same bytes (the gzip
header carries no timestamp and no file name).

Source IPs are taken from the documentation ranges of RFC 5737 (IPv4) and RFC 3849 (IPv6),
so no real address appears. :data:`SAMPLE_GEO_NETWORKS` says which country each range stands
for; :func:`write_sample_geoip` writes it as a ``geoip_blocks`` CSV so a geo-IP lookup of the
sample works, and :data:`SAMPLE_IP_COUNTRIES` maps every public sample IP to its country.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import ipaddress
import json
import random
import string
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_ops.lookml.schema import GEOIP

DEFAULT_ACCOUNTS: tuple[str, str] = ("111122223333", "444455556666")
DEFAULT_REGIONS: tuple[str, str] = ("us-east-1", "eu-west-1")
DEFAULT_END = dt.date(2026, 11, 20)
GLOBAL_REGION = "us-east-1"  # IAM, STS sign-in, Organizations, CloudFront... log here

Record = dict[str, Any]


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class GeoNetwork:
    network: str
    country_iso_code: str
    country_name: str
    subdivision_1_name: str
    city_name: str
    latitude: float
    longitude: float
    ips: tuple[str, ...]  # the sample addresses taken from this network


SAMPLE_GEO_NETWORKS: tuple[GeoNetwork, ...] = (
    GeoNetwork(
        "198.51.100.0/27",
        "US",
        "United States",
        "Washington",
        "Seattle",
        47.6062,
        -122.3321,
        ("198.51.100.10", "198.51.100.11", "198.51.100.12"),
    ),
    GeoNetwork(
        "198.51.100.32/27",
        "DE",
        "Germany",
        "Hesse",
        "Frankfurt am Main",
        50.1109,
        8.6821,
        ("198.51.100.40", "198.51.100.41"),
    ),
    GeoNetwork(
        "198.51.100.64/27",
        "IE",
        "Ireland",
        "Leinster",
        "Dublin",
        53.3498,
        -6.2603,
        ("198.51.100.70", "198.51.100.71"),
    ),
    GeoNetwork("198.51.100.96/27", "JP", "Japan", "Tokyo", "Tokyo", 35.6762, 139.6503, ("198.51.100.100",)),
    GeoNetwork(
        "198.51.100.128/27", "BR", "Brazil", "Sao Paulo", "Sao Paulo", -23.5505, -46.6333, ("198.51.100.130",)
    ),
    GeoNetwork(
        "198.51.100.160/27", "IN", "India", "Maharashtra", "Mumbai", 19.076, 72.8777, ("198.51.100.170",)
    ),
    GeoNetwork(
        "203.0.113.0/26", "AU", "Australia", "New South Wales", "Sydney", -33.8688, 151.2093, ("203.0.113.5",)
    ),
    GeoNetwork(
        "203.0.113.64/26",
        "NL",
        "Netherlands",
        "North Holland",
        "Amsterdam",
        52.3676,
        4.9041,
        ("203.0.113.66",),
    ),
    GeoNetwork(
        "2001:db8:100::/48",
        "GB",
        "United Kingdom",
        "England",
        "London",
        51.5074,
        -0.1278,
        ("2001:db8:100::25",),
    ),
)

#: Every public sample IP with a known location -> ISO country code.
SAMPLE_IP_COUNTRIES: dict[str, str] = {
    ip: net.country_iso_code for net in SAMPLE_GEO_NETWORKS for ip in net.ips
}
#: A public IP that no geo-IP network covers (exercises the NULL side of the join).
UNMAPPED_PUBLIC_IP = "192.0.2.200"
#: The IP of the brute-force console sign-in burst.
BRUTE_FORCE_IP = "203.0.113.66"

_US, _US2, _US3 = "198.51.100.10", "198.51.100.11", "198.51.100.12"
_DE, _DE2 = "198.51.100.40", "198.51.100.41"
_IE, _IE2 = "198.51.100.70", "198.51.100.71"
_JP, _BR, _IN, _AU, _GB = (
    "198.51.100.100",
    "198.51.100.130",
    "198.51.100.170",
    "203.0.113.5",
    "2001:db8:100::25",
)
_PRIVATE_IPS = ("10.0.1.25", "10.0.2.17", "172.16.4.9")

CONSOLE_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
CLI_UA = "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6"
TF_UA = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0"
SDK_UA = "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#5.10.227 md/arch#x86_64 lang/python#3.12.7"
CONSOLE_API_UA = "AWS Internal"


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class Actor:
    """Who makes calls: builds CloudTrail's userIdentity for one account."""

    kind: str  # IAMUser, SSO, SAML, Role, Root, AWSService
    name: str  # user name, SSO session name, role session name, service principal
    role: str = ""  # role name for SSO / SAML / Role
    mfa: bool = True
    ips: tuple[str, ...] = ()
    user_agent: str = CLI_UA

    def identity(self, ctx: DayContext, when: dt.datetime, *, console: bool = False) -> Record:
        acct = ctx.account
        rng = ctx.rng
        if self.kind == "IAMUser":
            ident: Record = {
                "type": "IAMUser",
                "principalId": _principal_id(acct, self.name),
                "arn": f"arn:aws:iam::{acct}:user/{self.name}",
                "accountId": acct,
                "accessKeyId": _access_key(rng, temporary=console),
                "userName": self.name,
            }
            if console:
                ident["sessionContext"] = {
                    "attributes": {
                        "creationDate": _iso(when - dt.timedelta(minutes=rng.randint(1, 90))),
                        "mfaAuthenticated": "true" if self.mfa else "false",
                    }
                }
            return ident
        if self.kind in ("SSO", "SAML", "Role"):
            role_path = "aws-reserved/sso.amazonaws.com/" if self.kind == "SSO" else ""
            role_id = _principal_id(acct, self.role, prefix="AROA")
            return {
                "type": "AssumedRole",
                "principalId": f"{role_id}:{self.name}",
                "arn": f"arn:aws:sts::{acct}:assumed-role/{self.role}/{self.name}",
                "accountId": acct,
                "accessKeyId": _access_key(rng, temporary=True),
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role_id,
                        "arn": f"arn:aws:iam::{acct}:role/{role_path}{self.role}",
                        "accountId": acct,
                        "userName": self.role,
                    },
                    "attributes": {
                        "creationDate": _iso(when - dt.timedelta(minutes=rng.randint(1, 50))),
                        "mfaAuthenticated": "false",
                    },
                },
            }
        if self.kind == "Root":
            ident = {
                "type": "Root",
                "principalId": acct,
                "arn": f"arn:aws:iam::{acct}:root",
                "accountId": acct,
                "accessKeyId": _access_key(rng, temporary=True) if console else "",
            }
            if console:
                ident["sessionContext"] = {
                    "attributes": {"creationDate": _iso(when), "mfaAuthenticated": "true"}
                }
            return ident
        # AWS service principal
        return {"type": "AWSService", "invokedBy": self.name}

    def ip(self, ctx: DayContext) -> str:
        return ctx.rng.choice(self.ips) if self.ips else ctx.rng.choice(_PRIVATE_IPS)


ALICE = Actor("IAMUser", "alice", ips=(_US, _US2, _DE, _IE), user_agent=CONSOLE_UA)
BOB = Actor("IAMUser", "bob", ips=(_IE, _IE2), user_agent=CONSOLE_UA)
CAROL = Actor("IAMUser", "carol", ips=(_JP,), user_agent=CONSOLE_UA)
DAVE = Actor("IAMUser", "dave", mfa=False, ips=(_BR, _IN, UNMAPPED_PUBLIC_IP), user_agent=CONSOLE_UA)
CI = Actor("IAMUser", "ci-deployer", ips=(_US3,), user_agent=TF_UA)
SSO_ADMIN = Actor(
    "SSO",
    "erin@example.com",
    "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    ips=(_DE2, _GB),
    user_agent=CONSOLE_UA,
)
SSO_READ = Actor(
    "SSO",
    "frank@example.com",
    "AWSReservedSSO_ReadOnlyAccess_fedcba9876543210",
    ips=(_AU, _US),
    user_agent=CONSOLE_UA,
)
# A second person with erin's permission set: by role, the two are one "actor"; by session, two users.
SSO_ADMIN_2 = Actor(
    "SSO",
    "grace@example.com",
    SSO_ADMIN.role,
    ips=(_IE2, _US2),
    user_agent=CONSOLE_UA,
)
# A person federated through a SAML identity provider (RoleSessionName = the user's e-mail).
SAML_USER = Actor("SAML", "henry@example.com", "corp-network-admins", ips=(_DE, _GB), user_agent=CONSOLE_UA)
APP_ROLE = Actor("Role", "i-0a1b2c3d4e5f60718", "app-server", ips=_PRIVATE_IPS, user_agent=SDK_UA)
LAMBDA_ROLE = Actor("Role", "report-builder", "report-builder-lambda", ips=("192.0.2.44",), user_agent=SDK_UA)
ROOT = Actor("Root", "root", ips=(_US,), user_agent=CONSOLE_UA)

CONSOLE_USERS: tuple[Actor, ...] = (ALICE, BOB, CAROL, DAVE, SSO_ADMIN, SSO_READ)
API_CALLERS: tuple[Actor, ...] = (CI, APP_ROLE, SSO_ADMIN, SSO_READ, ALICE)


# --------------------------------------------------------------------------- context


@dataclass
class DayContext:
    """What a story needs to make the records of one account on one day."""

    day: dt.date
    day_index: int
    account: str
    account_index: int
    regions: tuple[str, ...]
    rng: random.Random
    records: list[Record] = field(default_factory=list)

    def at(self, hour: int | None = None, minute: int | None = None) -> dt.datetime:
        """A time in the day (random working-hours time unless given)."""
        h = self.rng.randint(7, 19) if hour is None else hour
        m = self.rng.randint(0, 59) if minute is None else minute
        return dt.datetime(self.day.year, self.day.month, self.day.day, h, m, self.rng.randint(0, 59))

    def region(self) -> str:
        return self.rng.choice(self.regions)

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexid(self, prefix: str, n: int = 17) -> str:
        return prefix + "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def event(
        self,
        actor: Actor,
        source: str,
        name: str,
        *,
        when: dt.datetime | None = None,
        region: str | None = None,
        request: Any = None,
        response: Any = None,
        additional: Record | None = None,
        error: tuple[str, str] | None = None,
        resources: list[Record] | None = None,
        read_only: bool | None = None,
        category: str = "Management",
        event_type: str = "AwsApiCall",
        ip: str | None = None,
        console: bool = False,
        identity: Record | None = None,
    ) -> Record:
        """One CloudTrail record, keys in CloudTrail's order; optional keys only when given."""
        when = when or self.at()
        rec: Record = {
            "eventVersion": "1.10" if category == "Data" else "1.09",
            "userIdentity": identity if identity is not None else actor.identity(self, when, console=console),
            "eventTime": _iso(when),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region or self.region(),
            "sourceIPAddress": ip or actor.ip(self),
            "userAgent": CONSOLE_API_UA if console and actor.kind != "AWSService" else actor.user_agent,
        }
        if actor.kind == "AWSService":
            rec["sourceIPAddress"] = ip or actor.name
            rec["userAgent"] = actor.name
        if error is not None:
            code, message = error
            if code:  # a failed ConsoleLogin has an errorMessage but no errorCode
                rec["errorCode"] = code
            rec["errorMessage"] = message
        rec["requestParameters"] = request
        rec["responseElements"] = response
        if additional is not None:
            rec["additionalEventData"] = additional
        rec["requestID"] = self.guid()
        rec["eventID"] = self.guid()
        if read_only is None:
            read_only = name.startswith(("Describe", "List", "Get", "Head", "Lookup"))
        rec["readOnly"] = read_only
        if resources is not None:
            rec["resources"] = resources
        rec["eventType"] = event_type
        rec["managementEvent"] = category == "Management"
        rec["recipientAccountId"] = self.account
        rec["eventCategory"] = category
        if actor.kind != "AWSService" and event_type == "AwsApiCall":
            rec["tlsDetails"] = {
                "tlsVersion": "TLSv1.3",
                "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": f"{source.split('.')[0]}.{rec['awsRegion']}.amazonaws.com",
            }
        if console and event_type == "AwsApiCall":
            rec["sessionCredentialFromConsole"] = "true"
        self.records.append(rec)
        return rec


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _principal_id(account: str, name: str, prefix: str = "AIDA") -> str:
    digest = uuid.uuid5(uuid.NAMESPACE_URL, f"{account}/{name}").hex.upper()
    return prefix + digest[:17]


def _access_key(rng: random.Random, *, temporary: bool) -> str:
    return ("ASIA" if temporary else "AKIA") + "".join(
        rng.choice(string.ascii_uppercase + "234567") for _ in range(16)
    )


def _denied(actor: Actor, account: str, action: str, resource: str) -> str:
    who = (
        f"arn:aws:iam::{account}:user/{actor.name}"
        if actor.kind == "IAMUser"
        else f"arn:aws:sts::{account}:assumed-role/{actor.role}/{actor.name}"
    )
    return f"User: {who} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"


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


def _console_login(
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
            _console_login(ctx, actor, success=True, when=ctx.at(ctx.rng.randint(7, 10)))
            if actor is ALICE and ctx.rng.random() < 0.6:  # alice travels: a second IP the same day
                _console_login(
                    ctx,
                    actor,
                    success=True,
                    when=ctx.at(ctx.rng.randint(13, 18)),
                    ip=ctx.rng.choice(actor.ips),
                )
        if ctx.rng.random() < 0.15 and actor.kind == "IAMUser":
            _console_login(ctx, actor, success=False)


def story_brute_force(ctx: DayContext) -> None:
    """A burst of failed sign-ins from one suspicious IP (first account, every fourth day)."""
    if ctx.account_index != 0 or ctx.day_index % 4 != 2:
        return
    start = ctx.at(3, ctx.rng.randint(0, 40))
    for i in range(ctx.rng.randint(12, 18)):
        rec = _console_login(
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
        _console_login(ctx, ROOT, success=True, when=when)
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


def _permission(
    rng: random.Random, port: int, cidr: str | None = None, cidr6: str | None = None, proto: str = "tcp"
) -> Record:
    perm: Record = {"ipProtocol": proto, "fromPort": port, "toPort": port, "groups": {}}
    perm["ipRanges"] = {"items": [{"cidrIp": cidr}]} if cidr else {}
    perm["ipv6Ranges"] = {"items": [{"cidrIpv6": cidr6}]} if cidr6 else {}
    perm["prefixListIds"] = {}
    return perm


def story_security_groups(ctx: DayContext) -> None:
    """Security group lifecycle; some rules opened to 0.0.0.0/0 and ::/0; one denied attempt."""
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
        ("AuthorizeSecurityGroupIngress", _permission(rng, 443, cidr="10.0.0.0/16")),
    ]
    if ctx.day_index % 2 == 0:
        rules.append(
            ("AuthorizeSecurityGroupIngress", _permission(rng, rng.choice((22, 3389)), cidr="0.0.0.0/0"))
        )
    if ctx.day_index % 3 == 1:
        rules.append(("AuthorizeSecurityGroupIngress", _permission(rng, 80, cidr6="::/0")))
    rules.append(("AuthorizeSecurityGroupEgress", _permission(rng, 5432, cidr="10.0.8.0/24")))
    if ctx.day_index % 2 == 0:
        rules.append(("RevokeSecurityGroupIngress", rules[1][1]))
    rules.append(("RevokeSecurityGroupEgress", _permission(rng, -1, cidr="0.0.0.0/0", proto="-1")))
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
                "ipPermissions": {"items": [_permission(rng, 22, cidr="0.0.0.0/0")]},
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
            error=("AccessDenied", _denied(LAMBDA_ROLE, ctx.account, action, resource)),
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
                "accessKeyId": _access_key(ctx.rng, temporary=True),
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


# CIS CloudTrail monitoring controls 4.4, 4.5 and 4.7-4.15 (4.1-4.3, 4.6 and 4.10 are told by
# the stories above too): control -> (event source, event names, request builder).
def _iam_request(ctx: DayContext, name: str) -> Record:
    policy = f"arn:aws:iam::{ctx.account}:policy/deploy-boundary"
    if "Version" in name:
        return {"policyArn": policy, "versionId": "v2"}
    if name in ("CreatePolicy",):
        return {"policyName": "deploy-boundary", "policyDocument": '{"Version":"2012-10-17","Statement":[]}'}
    if name == "DeletePolicy":
        return {"policyArn": policy}
    target = "group" if "Group" in name else "role" if "Role" in name else "user"
    req: Record = {f"{target}Name": {"group": "admins", "role": "app-server", "user": "dave"}[target]}
    if name.startswith(("Attach", "Detach")):
        req["policyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess"
    else:
        req["policyName"] = "inline-s3"
        if name.startswith("Put"):
            req["policyDocument"] = (
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
            )
    return req


CIS_CONTROLS: dict[str, tuple[str, tuple[str, ...], Callable[[DayContext, str], Any] | None]] = {
    "4.4": (
        "iam.amazonaws.com",
        (
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ),
        _iam_request,
    ),
    "4.5": (
        "cloudtrail.amazonaws.com",
        ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
        lambda ctx, n: {"name": f"arn:aws:cloudtrail:us-east-1:{ctx.account}:trail/management-events"},
    ),
    "4.7": (
        "kms.amazonaws.com",
        ("DisableKey", "ScheduleKeyDeletion"),
        lambda ctx, n: {
            "keyId": f"arn:aws:kms:us-east-1:{ctx.account}:key/{ctx.guid()}",
            **({"pendingWindowInDays": 7} if n == "ScheduleKeyDeletion" else {}),
        },
    ),
    "4.8": (
        "s3.amazonaws.com",
        (
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ),
        lambda ctx, n: {
            "bucketName": f"app-data-{ctx.account}",
            "Host": f"app-data-{ctx.account}.s3.amazonaws.com",
            n.removeprefix("Put").removeprefix("Delete").lower(): "",
        },
    ),
    "4.9": (
        "config.amazonaws.com",
        (
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ),
        lambda ctx, n: (
            {"configurationRecorderName": "default"}
            if "Recorder" in n
            else {"deliveryChannelName": "default"}
        ),
    ),
    "4.10": (
        "ec2.amazonaws.com",
        (
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
        None,
    ),  # story_security_groups
    "4.11": (
        "ec2.amazonaws.com",
        (
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
        lambda ctx, n: (
            {
                "networkAclId": ctx.hexid("acl-"),
                "ruleNumber": 100,
                "egress": False,
                "ruleAction": "allow",
                "aclProtocol": "6",
                "cidrBlock": "0.0.0.0/0",
                "portRange": {"from": 22, "to": 22},
            }
            if "Entry" in n
            else {"networkAclId": ctx.hexid("acl-")}
        ),
    ),
    "4.12": (
        "ec2.amazonaws.com",
        (
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
        lambda ctx, n: (
            {"customerGatewayId": ctx.hexid("cgw-")}
            if "Customer" in n
            else {"internetGatewayId": ctx.hexid("igw-"), "vpcId": ctx.hexid("vpc-")}
        ),
    ),
    "4.13": (
        "ec2.amazonaws.com",
        (
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
        lambda ctx, n: {
            "routeTableId": ctx.hexid("rtb-"),
            "destinationCidrBlock": "0.0.0.0/0",
            "gatewayId": ctx.hexid("igw-"),
        },
    ),
    "4.14": (
        "ec2.amazonaws.com",
        (
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ),
        lambda ctx, n: {"cidrBlock": "10.20.0.0/16"} if n == "CreateVpc" else {"vpcId": ctx.hexid("vpc-")},
    ),
    "4.15": (
        "organizations.amazonaws.com",
        (
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ),
        lambda ctx, n: (
            {"policyId": ctx.hexid("p-", 8)}
            if "Polic" in n
            else {"organizationalUnitId": ctx.hexid("ou-", 12)}
        ),
    ),
}

_GLOBAL_SOURCES = ("iam.amazonaws.com", "organizations.amazonaws.com")


def story_cis_controls(ctx: DayContext) -> None:
    """Two events a day for each CIS control, cycling through the control's event names."""
    for control, (source, names, build) in CIS_CONTROLS.items():
        if build is None:
            continue
        if source == "organizations.amazonaws.com" and ctx.account_index != 0:
            continue  # Organizations calls are made in the management account
        for k in range(2):
            name = names[(2 * ctx.day_index + k + ctx.account_index) % len(names)]
            actor = SSO_ADMIN if (ctx.day_index + k) % 2 else CI
            region = GLOBAL_REGION if source in _GLOBAL_SOURCES else None
            resources = None
            if control == "4.7":
                request = build(ctx, name)
                resources = [{"accountId": ctx.account, "type": "AWS::KMS::Key", "ARN": request["keyId"]}]
            else:
                request = build(ctx, name)
            ctx.event(
                actor,
                source,
                name,
                request=request,
                region=region,
                resources=resources,
                read_only=False,
                console=actor.kind == "SSO",
                response={"requestId": ctx.guid(), "_return": True}
                if source == "ec2.amazonaws.com"
                else None,
            )


def story_federated_people(ctx: DayContext) -> None:
    """Two more people behind shared roles: grace (SSO, erin's permission set) and henry (SAML).

    Henry sometimes widens an existing rule with ModifySecurityGroupRules: to the world
    (0.0.0.0/0) on even days, to a private range on odd ones.
    """
    rng = ctx.rng
    for actor in (SSO_ADMIN_2, SAML_USER):
        if rng.random() < 0.8:
            _console_login(ctx, actor, success=True, when=ctx.at(rng.randint(8, 11)))
    if ctx.day_index % 3 != 1:
        return
    cidr = "0.0.0.0/0" if ctx.day_index % 2 == 0 else "10.20.0.0/16"
    group_id = ctx.hexid("sg-")
    ctx.event(
        SAML_USER,
        "ec2.amazonaws.com",
        "ModifySecurityGroupRules",
        when=ctx.at(rng.randint(12, 16)),
        request={
            "ModifySecurityGroupRulesRequest": {
                "GroupId": group_id,
                "SecurityGroupRule": {
                    "SecurityGroupRuleId": ctx.hexid("sgr-"),
                    "SecurityGroupRule": {
                        "IpProtocol": "tcp",
                        "FromPort": 8443,
                        "ToPort": 8443,
                        "CidrIpv4": cidr,
                        "Description": "admin UI",
                    },
                    "tag": 1,
                },
            }
        },
        response={"ModifySecurityGroupRulesResponse": {"requestId": ctx.guid(), "_return": True}},
        console=True,
    )


def story_terraform_groups(ctx: DayContext) -> None:
    """Terraform creates a group a day: its default egress rule allows everything to 0.0.0.0/0
    (and ::/0 every other day), its ingress only a private range. Not an opening to the world."""
    rng = ctx.rng
    region = ctx.region()
    group_id = ctx.hexid("sg-")
    base = ctx.at()
    name = f"svc-{ctx.day:%m%d}-{ctx.account_index}"
    ctx.event(
        CI,
        "ec2.amazonaws.com",
        "CreateSecurityGroup",
        region=region,
        when=base,
        request={"groupName": name, "groupDescription": "Managed by Terraform", "vpcId": ctx.hexid("vpc-")},
        response={"requestId": ctx.guid(), "_return": True, "groupId": group_id},
    )
    egress = _permission(rng, -1, cidr="0.0.0.0/0", proto="-1")
    if ctx.day_index % 2 == 1:
        egress["ipv6Ranges"] = {"items": [{"cidrIpv6": "::/0"}]}
    rules = [
        ("AuthorizeSecurityGroupEgress", egress),
        ("AuthorizeSecurityGroupIngress", _permission(rng, 443, cidr="10.0.0.0/16")),
    ]
    for i, (event_name, perm) in enumerate(rules, start=1):
        ctx.event(
            CI,
            "ec2.amazonaws.com",
            event_name,
            region=region,
            when=base + dt.timedelta(seconds=2 * i),
            request={"groupId": group_id, "ipPermissions": {"items": [perm]}},
            response={"requestId": ctx.guid(), "_return": True},
        )


Story = Callable[[DayContext], None]

#: The stories, in generation order. Each adds the records of one account on one day.
STORIES: dict[str, Story] = {
    "background_reads": story_background_reads,
    "console_logins": story_console_logins,
    "brute_force": story_brute_force,
    "root_usage": story_root_usage,
    "security_groups": story_security_groups,
    "access_denied": story_access_denied,
    "other_errors": story_other_errors,
    "service_events": story_service_events,
    "cis_controls": story_cis_controls,
    "federated_people": story_federated_people,
    "terraform_groups": story_terraform_groups,
}


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class SampleSummary:
    out_dir: Path
    files: int
    records: int
    first_day: dt.date
    last_day: dt.date


FILE_WINDOW_HOURS = 6  # records of one account/region are delivered in one file per window


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _day_records(
    day: dt.date, day_index: int, seed: int, accounts: Sequence[str], regions: tuple[str, ...]
) -> Iterator[tuple[str, Record]]:
    for account_index, account in enumerate(accounts):
        for story_name, story in STORIES.items():
            rng = random.Random(f"{seed}/{day.isoformat()}/{account}/{story_name}")
            ctx = DayContext(day, day_index, account, account_index, regions, rng)
            story(ctx)
            for rec in ctx.records:
                yield account, rec


def generate(
    out_dir: Path,
    *,
    days: int = 14,
    seed: int = 7,
    end: dt.date = DEFAULT_END,
    accounts: Sequence[str] = DEFAULT_ACCOUNTS,
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> SampleSummary:
    """Write ``days`` days of CloudTrail logs ending on ``end`` (inclusive) under ``out_dir``.

    Also writes ``out_dir/geoip/geoip_blocks.csv`` (see :func:`write_sample_geoip`).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    for acct in accounts:
        if not (len(acct) == 12 and acct.isdigit()):
            raise ValueError(f"account id must be 12 digits: {acct!r}")
    regions = tuple(regions)
    if GLOBAL_REGION not in regions:
        regions = (GLOBAL_REGION, *regions)
    first = end - dt.timedelta(days=days - 1)
    files = records = 0
    for day_index in range(days):
        day = first + dt.timedelta(days=day_index)
        groups: dict[tuple[str, str, int], list[Record]] = {}
        for account, rec in _day_records(day, day_index, seed, accounts, regions):
            hour = int(rec["eventTime"][11:13])
            groups.setdefault((account, rec["awsRegion"], hour // FILE_WINDOW_HOURS), []).append(rec)
        name_rng = random.Random(f"{seed}/{day.isoformat()}/files")
        for (account, region, window), recs in sorted(groups.items()):
            recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
            stamp = f"{day:%Y%m%d}T{window * FILE_WINDOW_HOURS + FILE_WINDOW_HOURS - 1:02d}{name_rng.randint(0, 59):02d}Z"
            suffix = "".join(name_rng.choice(string.ascii_letters + string.digits) for _ in range(16))
            folder = out_dir / "AWSLogs" / account / "CloudTrail" / region / f"{day:%Y/%m/%d}"
            folder.mkdir(parents=True, exist_ok=True)
            body = json.dumps({"Records": recs}, separators=(",", ":")).encode()
            (folder / f"{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz").write_bytes(
                _gzip_bytes(body)
            )
            files += 1
            records += len(recs)
    write_sample_geoip(out_dir / "geoip")
    return SampleSummary(out_dir=out_dir, files=files, records=records, first_day=first, last_day=end)


def sample_geoip_rows() -> list[dict[str, Any]]:
    """The sample networks as ``geoip_blocks`` rows (IPv4 expanded to /16 buckets)."""
    rows: list[dict[str, Any]] = []
    for net in SAMPLE_GEO_NETWORKS:
        network = ipaddress.ip_network(net.network)
        base = {
            "network": net.network,
            "ip_version": network.version,
            "country_iso_code": net.country_iso_code,
            "country_name": net.country_name,
            "subdivision_1_name": net.subdivision_1_name,
            "city_name": net.city_name,
            "latitude": net.latitude,
            "longitude": net.longitude,
        }
        if network.version == 4:
            start, end = int(network.network_address), int(network.broadcast_address)
            for bucket in range(start >> 16, (end >> 16) + 1):
                rows.append({**base, "bucket": bucket, "ip_start": start, "ip_end": end})
        else:
            rows.append({**base, "bucket": None, "ip_start": None, "ip_end": None})
    return rows


def write_sample_geoip(out_dir: Path) -> Path:
    """Write the sample networks as ``geoip_blocks.csv`` (header = the GEOIP column names)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in GEOIP.columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in sample_geoip_rows():
        writer.writerow({k: "" if row[k] is None else row[k] for k in names})
    path = out_dir / "geoip_blocks.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def iter_records(root: Path) -> Iterator[tuple[Path, Record]]:
    """Every record of every ``.json.gz`` file under ``root`` (sorted by path): for tests and tools."""
    for path in sorted(root.rglob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for rec in json.load(fh)["Records"]:
                yield path, rec
