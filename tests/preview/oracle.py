"""Expected tile values computed in plain Python from the CloudTrail JSON records.

Nothing here uses SQL, LookML or the engine: each function restates, over the raw records
(CloudTrail's camelCase keys), what a dashboard tile means (the CIS benchmark's metric
filters, "a console login without MFA", "an error"...). The tests compare the engine's rows
with these numbers: the preview tests (over ``Event``) and the block's number tests (over raw
record dicts); the predicates take either, as both have ``get``.

Deliberately independent of the code under test: nothing from the block's SQL, the preview
compiler or ``looker_ops.sample_data.generate``'s control lists (only its record reader).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from looker_ops.sample_data.generate import iter_records

Record = dict[str, Any]


class Fields(Protocol):
    """A CloudTrail record's top-level keys: a raw record dict, or an ``Event``."""

    def get(self, key: str, /) -> Any: ...


def identity(e: Fields) -> Record:
    return e.get("userIdentity") or {}


_KEY = re.compile(r"AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/")


@dataclass(frozen=True)
class Event:
    rec: Record
    account: str  # from the S3 key
    dt: str  # yyyy/mm/dd from the S3 key
    file: str

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.strptime(self.rec["eventTime"], "%Y-%m-%dT%H:%M:%SZ")

    @property
    def time_or_none(self) -> dt.datetime | None:
        """eventTime; None when it is absent or not ISO 8601 with a ``T`` (Athena reads no time)."""
        try:
            return self.time
        except (KeyError, TypeError, ValueError):
            return None

    def get(self, key: str) -> Any:
        return self.rec.get(key)

    @property
    def ident(self) -> Record:
        return identity(self.rec)


def load(root: Path) -> list[Event]:
    out = []
    for path, rec in iter_records(root):
        m = _KEY.search(path.as_posix())
        assert m, path
        out.append(Event(rec, m.group(1), f"{m.group(3)}/{m.group(4)}/{m.group(5)}", path.as_posix()))
    return out


def in_window(events: Iterable[Event], start: dt.datetime, end: dt.datetime) -> list[Event]:
    return [e for e in events if (t := e.time_or_none) is not None and start <= t < end]


def files_between(
    events: Iterable[Event], first_dt: str, last_dt: str, accounts: Iterable[str] | None = None
) -> set[str]:
    """Files whose S3 date folder is within [first_dt, last_dt] (yyyy/mm/dd, inclusive), and,
    when ``accounts`` is given, whose S3 account folder is one of them."""
    chosen = None if accounts is None else set(accounts)
    return {e.file for e in events if first_dt <= e.dt <= last_dt and (chosen is None or e.account in chosen)}


# --------------------------------------------------------------------------- dimensions


def actor(e: Fields) -> str | None:
    i = identity(e)
    t = i.get("type")
    issuer = ((i.get("sessionContext") or {}).get("sessionIssuer") or {}).get("userName")
    if t == "Root":
        return "root"
    if t == "IAMUser":
        return i.get("userName") or i.get("principalId")
    if t in ("AssumedRole", "FederatedUser"):
        return issuer or i.get("principalId")
    if t == "AWSService":
        return i.get("invokedBy")
    if t == "AWSAccount":
        return i.get("accountId") or i.get("principalId")
    return i.get("userName") or i.get("invokedBy") or issuer or i.get("principalId")


def account_id(e: Event) -> str:
    return e.get("recipientAccountId") or e.account


def session_name(e: Fields) -> str | None:
    """An assumed role's session name: what follows the last slash of its ARN."""
    i = identity(e)
    if i.get("type") != "AssumedRole" or not i.get("arn"):
        return None
    return str(i["arn"]).rsplit("/", 1)[-1]


def is_federated_session(e: Fields) -> bool:
    """A person's assumed-role session through an identity provider: IAM Identity Center
    (``AWSReservedSSO_*`` permission-set roles), web identity, or an e-mail as session name (SAML)."""
    i = identity(e)
    if i.get("type") != "AssumedRole":
        return False
    ctx = i.get("sessionContext") or {}
    issuer = (ctx.get("sessionIssuer") or {}).get("userName") or ""
    web = (ctx.get("webIdFederationData") or {}).get("federatedProvider")
    return issuer.startswith("AWSReservedSSO") or web is not None or "@" in (session_name(e) or "")


def user(e: Fields) -> str | None:
    """Who, as a person: the session name of a federated session, a federated user's name, else the actor."""
    i = identity(e)
    if is_federated_session(e):
        return session_name(e)
    if i.get("type") == "FederatedUser" and i.get("arn"):
        return str(i["arn"]).rsplit("/", 1)[-1]
    return actor(e)


def is_console_login(e: Fields) -> bool:
    return e.get("eventName") == "ConsoleLogin"


def login_result(e: Fields) -> str | None:
    if not is_console_login(e):
        return None
    return (e.get("responseElements") or {}).get("ConsoleLogin")


def mfa_used(e: Fields) -> str | None:
    return (e.get("additionalEventData") or {}).get("MFAUsed")


def is_login_without_mfa(e: Fields) -> bool:
    return (
        is_console_login(e)
        and login_result(e) == "Success"
        and mfa_used(e) != "Yes"
        and identity(e).get("type") in ("IAMUser", "Root")
    )


def error_code(e: Fields) -> str | None:
    """The record's errorCode; an empty one (``"errorCode": ""``, seen in real logs) is a success."""
    return e.get("errorCode") or None


def is_error(e: Fields) -> bool:
    return error_code(e) is not None


def error_family(e: Fields) -> str | None:
    """The family of the record's error code, read without EC2's ``Client.``/``Server.`` prefix;
    a ``Server.`` code of no other family is the service's own failure."""
    full = error_code(e)
    if full is None:
        return None
    prefix, _dot, rest = full.partition(".")
    code = rest if prefix in ("Client", "Server") and rest else full
    if any(s in code for s in ("AccessDenied", "Unauthorized", "Forbidden")) or code in (
        "AuthFailure",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "NotAuthorized",
    ):
        return "access denied"
    if any(s in code for s in ("Throttl", "TooManyRequests", "RateExceeded")) or code in (
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    ):
        return "throttling"
    if "NotFound" in code or code.startswith("NoSuch"):
        return "not found"
    if "Validation" in code or code.startswith(("Invalid", "Missing")) or "Malformed" in code:
        return "validation"
    if (
        prefix == "Server"
        or code.startswith("Internal")
        or "ServiceUnavailable" in code
        or code in ("Unavailable", "ServiceFailure", "ServiceException")
    ):
        return "service"
    return "other"


def is_root_activity(e: Fields) -> bool:
    return (
        identity(e).get("type") == "Root"
        and identity(e).get("invokedBy") is None
        and (e.get("eventType") or "") != "AwsServiceEvent"
    )


SG_CHANGES = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
}


def is_sg_change(e: Fields) -> bool:
    return e.get("eventSource") == "ec2.amazonaws.com" and e.get("eventName") in SG_CHANGES


_CIDR_KEYS = ("cidrIp", "cidrIpv6", "CidrIpv4", "CidrIpv6")


def _cidrs_in(node: Any) -> Iterator[str]:
    """Every CIDR named anywhere in a security group request's rules, in document order."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in _CIDR_KEYS and isinstance(v, str):
                yield v
            else:
                yield from _cidrs_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from _cidrs_in(v)


def request_cidrs(e: Fields) -> list[str]:
    """Every CIDR named in a security group request: its rules', then a top-level ``cidrIp``."""
    params = e.get("requestParameters") or {}
    found = [
        *_cidrs_in(params.get("ipPermissions")),
        *_cidrs_in(params.get("ModifySecurityGroupRulesRequest")),
    ]
    if isinstance(params.get("cidrIp"), str):
        found.append(params["cidrIp"])
    return found


def _names_world_range(e: Fields) -> bool:
    rp = e.get("requestParameters") or {}
    rules = rp.get("ipPermissions") or rp.get("ModifySecurityGroupRulesRequest")
    if any(is_world_range(c) for c in _cidrs_in(rules)):
        return True
    return isinstance(rp.get("cidrIp"), str) and is_world_range(rp["cidrIp"])


def is_world_range(cidr: str) -> bool:
    """A range of prefix length 0 is every address, whatever address is written before the
    ``/0`` (``0.0.0.0/0``, ``::/0``, and ``208.236.235.254/0`` as in a real capture)."""
    address, _, prefix = cidr.partition("/")
    return prefix == "0" and address != ""


def opens_to_world(e: Fields) -> bool:
    """A successful INGRESS rule addition to 0.0.0.0/0 or ::/0. ModifySecurityGroupRules counts:
    its event names the rule ID but not the rule's direction, so it is taken as ingress."""
    if not is_sg_change(e) or is_error(e):
        return False
    if e.get("eventName") not in ("AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"):
        return False
    return _names_world_range(e)


def egress_to_world(e: Fields) -> bool:
    """A successful egress rule addition to 0.0.0.0/0 or ::/0 (every Terraform-made group has one)."""
    if not is_sg_change(e) or is_error(e):
        return False
    return e.get("eventName") == "AuthorizeSecurityGroupEgress" and _names_world_range(e)


# --------------------------------------------------------------------------- CIS 4.1 - 4.15


def _name_in(*names: str) -> Callable[[Fields], bool]:
    s = set(names)
    return lambda e: e.get("eventName") in s


def _source_and_name(source: str, *names: str) -> Callable[[Fields], bool]:
    s = set(names)
    return lambda e: e.get("eventSource") == source and e.get("eventName") in s


def cis_4_1(e: Fields) -> bool:
    code = e.get("errorCode") or ""
    return (
        (code.endswith("UnauthorizedOperation") or code.startswith("AccessDenied"))
        and e.get("sourceIPAddress") != "delivery.logs.amazonaws.com"
        and e.get("eventName") != "HeadBucket"
    )


def cis_4_2(e: Fields) -> bool:
    return (
        is_console_login(e)
        and mfa_used(e) != "Yes"
        and identity(e).get("type") == "IAMUser"
        and (e.get("responseElements") or {}).get("ConsoleLogin") == "Success"
    )


def cis_4_6(e: Fields) -> bool:
    return is_console_login(e) and e.get("errorMessage") == "Failed authentication"


CIS: list[tuple[str, str, Callable[[Fields], bool]]] = [
    ("cis_4_1", "4.1 Unauthorized API calls", cis_4_1),
    ("cis_4_2", "4.2 Console sign-in without MFA", cis_4_2),
    ("cis_4_3", "4.3 Root account usage", is_root_activity),
    (
        "cis_4_4",
        "4.4 IAM policy changes",
        _name_in(
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
    ),
    (
        "cis_4_5",
        "4.5 CloudTrail configuration changes",
        _name_in("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    ),
    ("cis_4_6", "4.6 Console authentication failures", cis_4_6),
    (
        "cis_4_7",
        "4.7 CMKs disabled or scheduled for deletion",
        _source_and_name("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),
    ),
    (
        "cis_4_8",
        "4.8 S3 bucket policy changes",
        _source_and_name(
            "s3.amazonaws.com",
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
    ),
    (
        "cis_4_9",
        "4.9 AWS Config changes",
        _source_and_name(
            "config.amazonaws.com",
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ),
    ),
    (
        "cis_4_10",
        "4.10 Security group changes",
        _name_in(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
    ),
    (
        "cis_4_11",
        "4.11 Network ACL changes",
        _name_in(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
    ),
    (
        "cis_4_12",
        "4.12 Network gateway changes",
        _name_in(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
    ),
    (
        "cis_4_13",
        "4.13 Route table changes",
        _source_and_name(
            "ec2.amazonaws.com",
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
    ),
    (
        "cis_4_14",
        "4.14 VPC changes",
        _name_in(
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
    ),
    (
        "cis_4_15",
        "4.15 AWS Organizations changes",
        _source_and_name(
            "organizations.amazonaws.com",
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
    ),
]


def first_cis_control(e: Fields) -> str | None:
    """The label of the first control (by number) the event matches, as the block's cis_control."""
    for _, label, pred in CIS:
        if pred(e):
            return label
    return None
