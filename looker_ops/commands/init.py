"""``looker-ops init``."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.config.init import (
    InitAnswers,
    guess_git_remote,
    guess_region,
    relative_to_target,
    write_files,
)


@click.command("init")
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder to write looker-ops.yaml and schedules.yaml into.",
)
@click.option("--region", help="AWS region of Athena (guessed from AWS_REGION).")
@click.option("--s3-staging-dir", help="s3:// location for Athena query results.")
@click.option("--git-remote", help="Git remote Looker pulls the project from (guessed from origin).")
@click.option("--bucket", help="S3 bucket the CloudTrail trail writes to.")
@click.option(
    "--layout", type=click.Choice(["single", "multi", "organization"]), help="How the trail writes."
)
@click.option("--org-id", default="", help="Organization id (o-...), for an organization trail.")
@click.option("--account-id", "account_ids", multiple=True, help="Account id in the trail (repeatable).")
@click.option("--workgroup", default="primary", show_default=True, help="Athena workgroup Looker queries in.")
@click.option(
    "--trail-region",
    "trail_regions",
    multiple=True,
    help="Region the trail logs (repeatable; default: every commercial region).",
)
@click.option("--security-email", help="Address of the security team receiving scheduled PDFs.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init_cmd(
    target: Path,
    region: str | None,
    s3_staging_dir: str | None,
    git_remote: str | None,
    bucket: str | None,
    layout: str | None,
    org_id: str,
    account_ids: tuple[str, ...],
    workgroup: str,
    trail_regions: tuple[str, ...],
    security_email: str | None,
    force: bool,
) -> None:
    """Write a commented looker-ops.yaml and schedules.yaml, asking only what cannot be guessed."""
    region = region or guess_region() or click.prompt("AWS region of Athena", default="us-east-1")
    s3_staging_dir = s3_staging_dir or click.prompt("S3 location for Athena query results (s3://...)")
    git_remote = (
        git_remote or guess_git_remote(target) or click.prompt("Git remote Looker pulls the project from")
    )
    bucket = bucket or click.prompt("S3 bucket your CloudTrail trail writes to")
    layout = layout or click.prompt(
        "Trail layout", type=click.Choice(["single", "multi", "organization"]), default="single"
    )
    if layout == "organization" and not org_id:
        org_id = click.prompt("Organization id (o-...)")
    if security_email is None:
        security_email = click.prompt(
            "Security team email for scheduled PDFs", default="security@example.com"
        )
    answers = InitAnswers(
        region=region,
        s3_staging_dir=s3_staging_dir,
        git_remote_url=git_remote,
        bucket=bucket,
        layout=layout,
        org_id=org_id,
        account_ids=account_ids,
        security_email=security_email,
        workgroup=workgroup,
        regions=trail_regions,
        # The config's paths are relative to its own folder: point them at the block from there.
        lookml_dir=relative_to_target(target, Path("lookml_project")),
        dashboards_dir=relative_to_target(target, Path("dashboards")),
    )
    for path in write_files(target, answers, force=force):
        click.echo(f"wrote {path}")
    click.echo("next: set LOOKERSDK_* and LOOKER_ATHENA_* variables, then `looker-ops deploy --dry-run`")
