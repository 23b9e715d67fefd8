"""The sample's world: accounts, regions, where each sample IP is, who the actors are, and the
:class:`DayContext` a story writes one account's day of records with.

Source IPs are taken from the documentation ranges of RFC 5737 (IPv4) and RFC 3849 (IPv6), so no
real address appears. :data:`SAMPLE_GEO_NETWORKS` says which country each range stands for, and
:data:`SAMPLE_IP_COUNTRIES` maps every public sample IP to its country.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

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
                "accessKeyId": access_key(rng, temporary=console),
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
                "accessKeyId": access_key(rng, temporary=True),
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
                "accessKeyId": access_key(rng, temporary=True) if console else "",
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


def access_key(rng: random.Random, *, temporary: bool) -> str:
    return ("ASIA" if temporary else "AKIA") + "".join(
        rng.choice(string.ascii_uppercase + "234567") for _ in range(16)
    )


def denied(actor: Actor, account: str, action: str, resource: str) -> str:
    who = (
        f"arn:aws:iam::{account}:user/{actor.name}"
        if actor.kind == "IAMUser"
        else f"arn:aws:sts::{account}:assumed-role/{actor.role}/{actor.name}"
    )
    return f"User: {who} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
