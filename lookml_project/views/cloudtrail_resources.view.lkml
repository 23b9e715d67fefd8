# One row per resource listed in an event's `resources` array, with the event's key fields.
#
# An ephemeral derived table (plain SQL, nothing persisted): the array is unnested WITH
# ORDINALITY, so (eventid, position) identifies a row even when an event lists the same ARN
# twice. Athena expands the array's row elements into one column per field (arn, accountid,
# type, in the table's declared order), then the ordinal position.
# The explore over this view applies the same date window and partition predicate as the
# CloudTrail Events explore; the partition column dt is carried through for that.

view: cloudtrail_resources {
  derived_table: {
    sql:
      SELECT
        t.eventid AS eventid,
        concat_ws('|', t.eventtime, t.eventsource, t.eventname, t.requestid) AS event_fields,
        r.position AS position,
        r.resource_arn AS resource_arn,
        r.resource_account_id AS resource_account_id,
        r.resource_type AS resource_type,
        t.eventtime AS eventtime,
        t.eventsource AS eventsource,
        t.eventname AS eventname,
        t.awsregion AS awsregion,
        t.sourceipaddress AS sourceipaddress,
        NULLIF(t.errorcode, '') AS errorcode,
        t.recipientaccountid AS recipientaccountid,
        t.useridentity AS useridentity,
        t.account AS account,
        t.dt AS dt
      FROM @{ATHENA_SCHEMA}.@{CLOUDTRAIL_TABLE} AS t
      CROSS JOIN UNNEST(t.resources) WITH ORDINALITY AS r (resource_arn, resource_account_id, resource_type, position) ;;
  }

  dimension: pk {
    primary_key: yes
    hidden: yes
    description: "The event's key (eventID, time, source, name, request ID: a key every record has, as the events view's) and the resource's position in the event's resources array."
    type: string
    sql: concat_ws('|', ${TABLE}.eventid, ${TABLE}.event_fields, CAST(${TABLE}.position AS VARCHAR)) ;;
  }

  dimension: position {
    description: "Position of the resource in the event's resources array (1-based)."
    type: number
    sql: ${TABLE}.position ;;
  }

  dimension: resource_arn {
    label: "Resource ARN"
    type: string
    sql: ${TABLE}.resource_arn ;;
  }

  dimension: resource_type {
    description: "e.g. AWS::S3::Object, AWS::KMS::Key, AWS::IAM::Role."
    type: string
    sql: ${TABLE}.resource_type ;;
  }

  dimension: resource_account_id {
    label: "Resource Account ID"
    description: "Account that owns the resource."
    type: string
    sql: ${TABLE}.resource_account_id ;;
  }

  dimension: event_id {
    group_label: "Event"
    label: "Event ID"
    type: string
    sql: ${TABLE}.eventid ;;
  }

  dimension_group: event {
    label: "Event"
    description: "When the request was completed (eventTime), UTC."
    type: time
    timeframes: [raw, time, hour, date, week, month]
    convert_tz: no
    sql: try(from_iso8601_timestamp(${TABLE}.eventtime)) ;;
  }

  dimension: event_source {
    group_label: "Event"
    type: string
    sql: ${TABLE}.eventsource ;;
  }

  dimension: event_name {
    group_label: "Event"
    type: string
    sql: ${TABLE}.eventname ;;
  }

  dimension: aws_region {
    group_label: "Event"
    label: "AWS Region"
    type: string
    sql: ${TABLE}.awsregion ;;
  }

  dimension: account_id {
    group_label: "Event"
    label: "Account ID"
    description: "Account that received the event."
    type: string
    sql: COALESCE(${TABLE}.recipientaccountid, ${TABLE}.account) ;;
  }

  dimension: source_ip {
    group_label: "Event"
    label: "Source IP Address"
    type: string
    sql: ${TABLE}.sourceipaddress ;;
  }

  dimension: error_code {
    group_label: "Event"
    type: string
    sql: ${TABLE}.errorcode ;;
  }

  dimension: user_identity_type {
    group_label: "Event"
    type: string
    sql: ${TABLE}.useridentity.type ;;
  }

  dimension: user_arn {
    group_label: "Event"
    label: "User ARN"
    type: string
    sql: ${TABLE}.useridentity.arn ;;
  }

  dimension: actor {
    group_label: "Event"
    description: "Who did it: IAM user name, role that issued the session, 'root', or the AWS service (as in CloudTrail Events)."
    type: string
    sql: CASE ${TABLE}.useridentity.type
           WHEN 'Root' THEN 'root'
           WHEN 'IAMUser' THEN COALESCE(${TABLE}.useridentity.username, ${TABLE}.useridentity.principalid)
           WHEN 'AssumedRole' THEN COALESCE(${TABLE}.useridentity.sessioncontext.sessionissuer.username, ${TABLE}.useridentity.principalid)
           WHEN 'FederatedUser' THEN COALESCE(${TABLE}.useridentity.sessioncontext.sessionissuer.username, ${TABLE}.useridentity.principalid)
           WHEN 'AWSService' THEN ${TABLE}.useridentity.invokedby
           WHEN 'AWSAccount' THEN COALESCE(${TABLE}.useridentity.accountid, ${TABLE}.useridentity.principalid)
           ELSE COALESCE(${TABLE}.useridentity.username, ${TABLE}.useridentity.invokedby, ${TABLE}.useridentity.sessioncontext.sessionissuer.username, ${TABLE}.useridentity.principalid)
         END ;;
  }

  dimension: partition_date {
    hidden: yes
    description: "Delivery day of the log file, 'yyyy/MM/dd' (partition column dt)."
    type: string
    sql: ${TABLE}.dt ;;
  }

  measure: resources {
    label: "Resource References"
    description: "Rows: one per resource per event."
    type: count
    drill_fields: [detail*]
  }

  measure: distinct_resources {
    type: count_distinct
    sql: ${resource_arn} ;;
    drill_fields: [resource_arn, resource_type, resources]
  }

  measure: events {
    description: "Distinct events that touched the resources."
    type: count_distinct
    sql: ${event_id} ;;
    drill_fields: [detail*]
  }

  measure: distinct_actors {
    type: count_distinct
    sql: ${actor} ;;
    drill_fields: [actor, resources]
  }

  set: detail {
    fields: [event_time, actor, event_source, event_name, resource_type, resource_arn, resource_account_id,
             aws_region, error_code, event_id]
  }
}
