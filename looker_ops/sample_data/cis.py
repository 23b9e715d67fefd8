"""The stories of the CIS CloudTrail monitoring controls (4.1-4.15), federated people and
Terraform-managed security groups: at least one event a day for every control.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from looker_ops.sample_data.stories import console_login, permission
from looker_ops.sample_data.world import (
    CI,
    GLOBAL_REGION,
    SAML_USER,
    SSO_ADMIN,
    SSO_ADMIN_2,
    DayContext,
    Record,
)


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
            console_login(ctx, actor, success=True, when=ctx.at(rng.randint(8, 11)))
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
    egress = permission(rng, -1, cidr="0.0.0.0/0", proto="-1")
    if ctx.day_index % 2 == 1:
        egress["ipv6Ranges"] = {"items": [{"cidrIpv6": "::/0"}]}
    rules = [
        ("AuthorizeSecurityGroupEgress", egress),
        ("AuthorizeSecurityGroupIngress", permission(rng, 443, cidr="10.0.0.0/16")),
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
