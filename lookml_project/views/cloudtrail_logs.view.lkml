# One row per CloudTrail event, over the Athena table of the trail's S3 files.
#
# Conventions:
# - requestparameters, responseelements, additionaleventdata, serviceeventdetails and
#   edgedevicedetails are JSON documents stored as STRING columns: they are only ever read with
#   JSON functions (json_extract_scalar, json_extract, json_format), never with struct syntax.
# - useridentity, addendum and tlsdetails are real structs and are read with struct syntax.
# - Every measure is a count or a distinct count, so every number stays right whatever the
#   explore joins (no symmetric aggregates needed).
# - Event times are UTC (CloudTrail's eventTime is UTC; convert_tz is off).

view: cloudtrail_logs {
  sql_table_name: @{ATHENA_SCHEMA}.@{CLOUDTRAIL_TABLE} ;;

  # ------------------------------------------------------------------ keys and event basics

  dimension: event_key {
    primary_key: yes
    hidden: yes
    description: "A key every record has: eventID with the event's time, source, name and request ID. Counts use it, so a record without eventID is counted, and two different events that share an eventID are counted twice (the engine reports such IDs when it loads them)."
    type: string
    sql: concat_ws('|', ${TABLE}.eventid, ${TABLE}.eventtime, ${TABLE}.eventsource, ${TABLE}.eventname, ${TABLE}.requestid) ;;
  }

  dimension: event_id {
    label: "Event ID"
    description: "CloudTrail's GUID for the event (eventID); unique per event."
    type: string
    sql: ${TABLE}.eventid ;;
  }

  dimension_group: event {
    label: "Event"
    description: "When the request was completed (eventTime), UTC."
    type: time
    timeframes: [raw, time, minute15, hour, date, week, month, hour_of_day, day_of_week]
    convert_tz: no
    sql: try(from_iso8601_timestamp(${TABLE}.eventtime)) ;;
  }

  dimension: event_time_iso {
    hidden: yes
    description: "eventTime exactly as delivered (ISO 8601 text)."
    type: string
    sql: ${TABLE}.eventtime ;;
  }

  dimension: event_version {
    group_label: "Event"
    type: string
    sql: ${TABLE}.eventversion ;;
  }

  dimension: event_source {
    group_label: "Event"
    label: "Event Source (Service)"
    description: "The AWS service the request was made to, e.g. ec2.amazonaws.com."
    type: string
    sql: ${TABLE}.eventsource ;;
  }

  dimension: service {
    group_label: "Event"
    label: "Service"
    description: "Short service name taken from the event source: ec2, iam, s3, signin..."
    type: string
    sql: split_part(${TABLE}.eventsource, '.', 1) ;;
  }

  dimension: event_name {
    group_label: "Event"
    label: "Event Name (API Call)"
    type: string
    sql: ${TABLE}.eventname ;;
  }

  dimension: event_type {
    group_label: "Event"
    description: "AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsConsoleAction..."
    type: string
    sql: ${TABLE}.eventtype ;;
  }

  dimension: event_category {
    group_label: "Event"
    description: "Management, Data, Insight or NetworkActivity. When eventCategory is absent (older events): Insight for Insights events, Data when managementEvent is false, else Management."
    type: string
    sql: COALESCE(${TABLE}.eventcategory,
           CASE WHEN ${TABLE}.eventtype = 'AwsCloudTrailInsight' THEN 'Insight'
                WHEN lower(${TABLE}.managementevent) = 'false' THEN 'Data'
                ELSE 'Management' END) ;;
  }

  dimension: is_management_event {
    group_label: "Event"
    label: "Is Management Event"
    type: yesno
    description: "managementEvent as CloudTrail records it; when absent, whether Event Category is Management."
    sql: COALESCE(lower(${TABLE}.managementevent) = 'true', ${event_category} = 'Management') ;;
  }

  dimension: is_data_event {
    group_label: "Event"
    label: "Is Data Event"
    type: yesno
    sql: ${event_category} = 'Data' ;;
  }

  dimension: is_read_only {
    group_label: "Event"
    label: "Is Read Only"
    description: "The call only reads (readOnly = true)."
    type: yesno
    sql: ${TABLE}.readonly = 'true' ;;
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
    description: "Account that received the event (recipientAccountId, else the account of the S3 path)."
    type: string
    sql: COALESCE(${TABLE}.recipientaccountid, ${TABLE}.account) ;;
  }

  dimension: recipient_account_id {
    group_label: "Event"
    hidden: yes
    type: string
    sql: ${TABLE}.recipientaccountid ;;
  }

  dimension: request_id {
    group_label: "Event"
    label: "Request ID"
    type: string
    sql: ${TABLE}.requestid ;;
  }

  dimension: shared_event_id {
    group_label: "Event"
    label: "Shared Event ID"
    type: string
    sql: ${TABLE}.sharedeventid ;;
  }

  dimension: api_version {
    group_label: "Event"
    label: "API Version"
    type: string
    sql: ${TABLE}.apiversion ;;
  }

  dimension: user_agent {
    group_label: "Source"
    type: string
    sql: ${TABLE}.useragent ;;
  }

  dimension: vpc_endpoint_id {
    group_label: "Source"
    label: "VPC Endpoint ID"
    type: string
    sql: ${TABLE}.vpcendpointid ;;
  }

  dimension: vpc_endpoint_account_id {
    group_label: "Source"
    label: "VPC Endpoint Account ID"
    type: string
    sql: ${TABLE}.vpcendpointaccountid ;;
  }

  dimension: is_console_session {
    group_label: "Source"
    label: "Is Console Session"
    description: "The call was made with credentials of a console session (sessionCredentialFromConsole)."
    type: yesno
    sql: ${TABLE}.sessioncredentialfromconsole = 'true' ;;
  }

  dimension: tls_version {
    group_label: "Source"
    label: "TLS Version"
    type: string
    sql: ${TABLE}.tlsdetails.tlsversion ;;
  }

  dimension: tls_cipher_suite {
    group_label: "Source"
    label: "TLS Cipher Suite"
    type: string
    sql: ${TABLE}.tlsdetails.ciphersuite ;;
  }

  dimension: tls_client_host_header {
    group_label: "Source"
    label: "TLS Client Host Header"
    type: string
    sql: ${TABLE}.tlsdetails.clientprovidedhostheader ;;
  }

  dimension: addendum_reason {
    group_label: "Addendum"
    description: "Why a late-delivered event was updated."
    type: string
    sql: ${TABLE}.addendum.reason ;;
  }

  dimension: addendum_updated_fields {
    group_label: "Addendum"
    type: string
    sql: ${TABLE}.addendum.updatedfields ;;
  }

  dimension: addendum_original_request_id {
    group_label: "Addendum"
    label: "Addendum Original Request ID"
    type: string
    sql: ${TABLE}.addendum.originalrequestid ;;
  }

  dimension: addendum_original_event_id {
    group_label: "Addendum"
    label: "Addendum Original Event ID"
    type: string
    sql: ${TABLE}.addendum.originaleventid ;;
  }

  dimension: resources_count {
    group_label: "Event"
    description: "How many resources the event lists (see the CloudTrail Resources explore for the resources themselves)."
    type: number
    sql: COALESCE(cardinality(${TABLE}.resources), 0) ;;
  }

  # Raw JSON text columns: hidden, read through the dimensions below.

  dimension: request_parameters {
    hidden: yes
    type: string
    sql: ${TABLE}.requestparameters ;;
  }

  dimension: response_elements {
    hidden: yes
    type: string
    sql: ${TABLE}.responseelements ;;
  }

  dimension: additional_event_data {
    hidden: yes
    type: string
    sql: ${TABLE}.additionaleventdata ;;
  }

  dimension: service_event_details {
    hidden: yes
    type: string
    sql: ${TABLE}.serviceeventdetails ;;
  }

  dimension: edge_device_details {
    hidden: yes
    type: string
    sql: ${TABLE}.edgedevicedetails ;;
  }

  # Partition columns of the table (S3 key parts). The explore turns the date window into a
  # predicate on partition_date so Athena reads only the days asked for.

  dimension: partition_date {
    hidden: yes
    description: "Delivery day of the log file, 'yyyy/MM/dd' (partition column dt)."
    type: string
    sql: ${TABLE}.dt ;;
  }

  dimension: is_outside_partition_margin {
    hidden: yes
    description: "The event's day and its file's delivery day (dt) are more than one day apart: such an event could be missed by the explore's partition range. Checked by a LookML data test."
    type: yesno
    sql: abs(date_diff('day', CAST(try(from_iso8601_timestamp(${TABLE}.eventtime)) AS DATE), CAST(date_parse(${TABLE}.dt, '%Y/%m/%d') AS DATE))) > 1 ;;
  }

  dimension: account {
    group_label: "Event"
    label: "Log Account ID"
    description: "The account the event was logged for: the account in the log file's S3 key (partition column account; for an organization trail, the member account). Equal to Account ID in practice. Filter on this field to choose accounts: Athena then reads only those accounts' files (the dashboards' Account filter does)."
    type: string
    sql: ${TABLE}.account ;;
  }

  dimension: is_logged_for_other_account {
    hidden: yes
    description: "recipientAccountId differs from the account of the file's S3 key: the Account filter (on the key's account) and Account ID would then disagree. Checked by a LookML data test."
    type: yesno
    sql: ${TABLE}.recipientaccountid IS NOT NULL AND ${TABLE}.recipientaccountid <> ${TABLE}.account ;;
  }

  dimension: partition_region {
    hidden: yes
    type: string
    sql: ${TABLE}.region ;;
  }

  # ------------------------------------------------------------------ user identity

  dimension: user_identity_type {
    group_label: "User Identity"
    description: "Root, IAMUser, AssumedRole, FederatedUser, AWSService, AWSAccount, IdentityCenterUser..."
    type: string
    sql: ${TABLE}.useridentity.type ;;
  }

  dimension: user_arn {
    group_label: "User Identity"
    label: "User ARN"
    type: string
    sql: ${TABLE}.useridentity.arn ;;
  }

  dimension: user_account_id {
    group_label: "User Identity"
    label: "User Account ID"
    description: "Account that owns the identity making the call (can differ from the account receiving it)."
    type: string
    sql: ${TABLE}.useridentity.accountid ;;
  }

  dimension: principal_id {
    group_label: "User Identity"
    label: "Principal ID"
    type: string
    sql: ${TABLE}.useridentity.principalid ;;
  }

  dimension: access_key_id {
    group_label: "User Identity"
    label: "Access Key ID"
    type: string
    sql: ${TABLE}.useridentity.accesskeyid ;;
  }

  dimension: user_name {
    group_label: "User Identity"
    description: "IAM user name (userIdentity.userName); empty for roles."
    type: string
    sql: ${TABLE}.useridentity.username ;;
  }

  dimension: invoked_by {
    group_label: "User Identity"
    description: "AWS service that made the call on the identity's behalf, e.g. cloudformation.amazonaws.com."
    type: string
    sql: ${TABLE}.useridentity.invokedby ;;
  }

  dimension: session_issuer_type {
    group_label: "User Identity"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sessionissuer.type ;;
  }

  dimension: session_issuer_name {
    group_label: "User Identity"
    description: "Name of the role (or user) that issued the temporary credentials."
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sessionissuer.username ;;
  }

  dimension: session_issuer_arn {
    group_label: "User Identity"
    label: "Session Issuer ARN"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sessionissuer.arn ;;
  }

  dimension: session_issuer_account_id {
    group_label: "User Identity"
    label: "Session Issuer Account ID"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sessionissuer.accountid ;;
  }

  dimension: session_issuer_principal_id {
    group_label: "User Identity"
    label: "Session Issuer Principal ID"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sessionissuer.principalid ;;
  }

  dimension: session_name {
    group_label: "User Identity"
    label: "Session Name"
    description: "For assumed roles: the role session name, the last part of the ARN (the person's e-mail with IAM Identity Center and most SAML set-ups, an instance ID for EC2 roles, a function name for Lambda)."
    type: string
    sql: CASE WHEN ${TABLE}.useridentity.type = 'AssumedRole' THEN regexp_extract(${TABLE}.useridentity.arn, '[^/]+$') END ;;
  }

  dimension: is_federated_session {
    group_label: "User Identity"
    label: "Is Federated Session"
    description: "An assumed-role session of a person who signed in through an identity provider: IAM Identity Center (AWSReservedSSO_* roles), web identity federation, or a session named by an e-mail address (SAML federations set RoleSessionName to the user's e-mail)."
    type: yesno
    sql: ${TABLE}.useridentity.type = 'AssumedRole'
      AND (COALESCE(${TABLE}.useridentity.sessioncontext.sessionissuer.username, '') LIKE 'AWSReservedSSO%'
           OR ${TABLE}.useridentity.sessioncontext.webidfederationdata.federatedprovider IS NOT NULL
           OR COALESCE(regexp_extract(${TABLE}.useridentity.arn, '[^/]+$'), '') LIKE '%@%') ;;
  }

  dimension: is_mfa_authenticated {
    group_label: "User Identity"
    label: "Is MFA Authenticated"
    description: "The temporary credentials were issued after an MFA check (sessionContext.attributes.mfaAuthenticated)."
    type: yesno
    sql: ${TABLE}.useridentity.sessioncontext.attributes.mfaauthenticated = 'true' ;;
  }

  dimension_group: session_created {
    group_label: "User Identity"
    label: "Session Created"
    description: "When the temporary credentials were issued, UTC."
    type: time
    timeframes: [raw, time, date]
    convert_tz: no
    sql: try(from_iso8601_timestamp(${TABLE}.useridentity.sessioncontext.attributes.creationdate)) ;;
  }

  dimension: source_identity {
    group_label: "User Identity"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.sourceidentity ;;
  }

  dimension: ec2_role_delivery {
    group_label: "User Identity"
    label: "EC2 Role Delivery"
    description: "Instance metadata service version that delivered role credentials to an EC2 instance."
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.ec2roledelivery ;;
  }

  dimension: web_identity_provider {
    group_label: "User Identity"
    type: string
    sql: ${TABLE}.useridentity.sessioncontext.webidfederationdata.federatedprovider ;;
  }

  dimension: on_behalf_of_user_id {
    group_label: "User Identity"
    label: "On Behalf Of User ID"
    description: "IAM Identity Center user the call was made for."
    type: string
    sql: ${TABLE}.useridentity.onbehalfof.userid ;;
  }

  dimension: on_behalf_of_identity_store_arn {
    group_label: "User Identity"
    label: "On Behalf Of Identity Store ARN"
    type: string
    sql: ${TABLE}.useridentity.onbehalfof.identitystorearn ;;
  }

  dimension: actor {
    label: "Actor"
    description: "Who did it, readably: the IAM user name, the role that issued the session, 'root', or the AWS service."
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
    drill_fields: [event_detail*]
  }

  dimension: user {
    label: "User"
    description: "Who did it, as a person: the IAM user name; for a federated session (IAM Identity Center, SAML, web identity) the session name, e.g. alice@example.com; for a federated user (GetFederationToken) its name; 'root'; or the AWS service. Other role sessions show the role, as Actor does."
    type: string
    sql: CASE
           WHEN ${is_federated_session} THEN regexp_extract(${TABLE}.useridentity.arn, '[^/]+$')
           WHEN ${TABLE}.useridentity.type = 'FederatedUser' THEN COALESCE(regexp_extract(${TABLE}.useridentity.arn, '[^/]+$'), ${actor})
           ELSE ${actor}
         END ;;
    drill_fields: [event_detail*]
  }

  dimension: is_root_identity {
    group_label: "User Identity"
    label: "Is Root Identity"
    description: "Made with the account's root user credentials, including calls an AWS service made for root."
    type: yesno
    sql: ${TABLE}.useridentity.type = 'Root' ;;
  }

  dimension: is_root_activity {
    group_label: "User Identity"
    label: "Is Root Activity"
    description: "Root account usage as CIS 4.3 defines it: root credentials, not invoked by an AWS service, not an AwsServiceEvent."
    type: yesno
    sql: ${TABLE}.useridentity.type = 'Root'
      AND ${TABLE}.useridentity.invokedby IS NULL
      AND COALESCE(${TABLE}.eventtype, '') <> 'AwsServiceEvent' ;;
  }

  # ------------------------------------------------------------------ console logins

  dimension: is_console_login {
    group_label: "Console Login"
    label: "Is Console Login"
    type: yesno
    sql: ${TABLE}.eventname = 'ConsoleLogin' ;;
  }

  dimension: console_login_result {
    group_label: "Console Login"
    description: "Success or Failure (responseElements.ConsoleLogin); empty for other events."
    type: string
    sql: CASE WHEN ${TABLE}.eventname = 'ConsoleLogin' THEN json_extract_scalar(${TABLE}.responseelements, '$.ConsoleLogin') END ;;
  }

  dimension: console_login_mfa_used {
    group_label: "Console Login"
    label: "Console Login MFA Used"
    description: "Yes or No (additionalEventData.MFAUsed); empty for other events."
    type: string
    sql: CASE WHEN ${TABLE}.eventname = 'ConsoleLogin' THEN json_extract_scalar(${TABLE}.additionaleventdata, '$.MFAUsed') END ;;
  }

  dimension: console_login_to {
    group_label: "Console Login"
    description: "The console URL signed in to (additionalEventData.LoginTo)."
    type: string
    sql: CASE WHEN ${TABLE}.eventname = 'ConsoleLogin' THEN json_extract_scalar(${TABLE}.additionaleventdata, '$.LoginTo') END ;;
  }

  dimension: console_login_failure_reason {
    group_label: "Console Login"
    description: "Why a console login failed (errorMessage), e.g. 'Failed authentication'."
    type: string
    sql: CASE WHEN ${TABLE}.eventname = 'ConsoleLogin' THEN ${TABLE}.errormessage END ;;
  }

  dimension: is_console_login_without_mfa {
    group_label: "Console Login"
    label: "Is Console Login Without MFA"
    description: "A successful console login of an IAM user or root without MFA. Federated sign-ins are left out: their MFA happens at the identity provider."
    type: yesno
    sql: ${TABLE}.eventname = 'ConsoleLogin'
      AND json_extract_scalar(${TABLE}.responseelements, '$.ConsoleLogin') = 'Success'
      AND COALESCE(json_extract_scalar(${TABLE}.additionaleventdata, '$.MFAUsed'), '') <> 'Yes'
      AND ${TABLE}.useridentity.type IN ('IAMUser', 'Root') ;;
  }

  # ------------------------------------------------------------------ errors

  dimension: error_code {
    group_label: "Errors"
    type: string
    sql: NULLIF(${TABLE}.errorcode, '') ;;
  }

  dimension: error_message {
    group_label: "Errors"
    type: string
    sql: ${TABLE}.errormessage ;;
  }

  dimension: is_error {
    group_label: "Errors"
    label: "Is Error"
    type: yesno
    sql: NULLIF(${TABLE}.errorcode, '') IS NOT NULL ;;
  }

  dimension: error_code_base {
    group_label: "Errors"
    hidden: yes
    description: "The error code without the Client. or Server. prefix EC2 puts on its codes (Client.UnauthorizedOperation -> UnauthorizedOperation); empty when the call succeeded."
    type: string
    sql: CASE
           WHEN NULLIF(${TABLE}.errorcode, '') LIKE 'Client.%' OR NULLIF(${TABLE}.errorcode, '') LIKE 'Server.%'
             THEN substr(${TABLE}.errorcode, 8)
           ELSE NULLIF(${TABLE}.errorcode, '')
         END ;;
  }

  dimension: error_family {
    group_label: "Errors"
    description: "access denied, throttling, not found, validation, service (the service's own failure) or other, read on the error code without EC2's Client./Server. prefix; empty when the call succeeded."
    type: string
    sql: CASE
           WHEN ${error_code_base} IS NULL THEN NULL
           WHEN ${error_code_base} LIKE '%AccessDenied%'
             OR ${error_code_base} LIKE '%Unauthorized%'
             OR ${error_code_base} LIKE '%Forbidden%'
             OR ${error_code_base} IN ('AuthFailure', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'NotAuthorized')
             THEN 'access denied'
           WHEN ${error_code_base} LIKE '%Throttl%'
             OR ${error_code_base} LIKE '%TooManyRequests%'
             OR ${error_code_base} LIKE '%RateExceeded%'
             OR ${error_code_base} IN ('RequestLimitExceeded', 'SlowDown', 'ProvisionedThroughputExceededException')
             THEN 'throttling'
           WHEN ${error_code_base} LIKE '%NotFound%'
             OR ${error_code_base} LIKE 'NoSuch%'
             THEN 'not found'
           WHEN ${error_code_base} LIKE '%Validation%'
             OR ${error_code_base} LIKE 'Invalid%'
             OR ${error_code_base} LIKE '%Malformed%'
             OR ${error_code_base} LIKE 'Missing%'
             THEN 'validation'
           WHEN NULLIF(${TABLE}.errorcode, '') LIKE 'Server.%'
             OR ${error_code_base} LIKE 'Internal%'
             OR ${error_code_base} LIKE '%ServiceUnavailable%'
             OR ${error_code_base} IN ('Unavailable', 'ServiceFailure', 'ServiceException')
             THEN 'service'
           ELSE 'other'
         END ;;
  }

  # ------------------------------------------------------------------ source IP

  dimension: source_ip {
    group_label: "Source"
    label: "Source IP Address"
    description: "sourceIPAddress: an IPv4/IPv6 address, or an AWS service name such as ec2.amazonaws.com, or 'AWS Internal'."
    type: string
    sql: ${TABLE}.sourceipaddress ;;
  }

  dimension: source_ip_int {
    group_label: "Source"
    hidden: yes
    description: "IPv4 source address as an integer (a.b.c.d = a*2^24 + b*2^16 + c*2^8 + d); empty otherwise. Used by the geo-IP join."
    type: number
    sql: CASE WHEN regexp_like(${TABLE}.sourceipaddress, '^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$') THEN
             TRY_CAST(split_part(${TABLE}.sourceipaddress, '.', 1) AS BIGINT) * 16777216
           + TRY_CAST(split_part(${TABLE}.sourceipaddress, '.', 2) AS BIGINT) * 65536
           + TRY_CAST(split_part(${TABLE}.sourceipaddress, '.', 3) AS BIGINT) * 256
           + TRY_CAST(split_part(${TABLE}.sourceipaddress, '.', 4) AS BIGINT)
         END ;;
  }

  dimension: source_ip_type {
    group_label: "Source"
    label: "Source IP Type"
    description: "AWS service, AWS internal, private (RFC 1918 / IPv6 ULA), loopback, link-local, public, or other."
    type: string
    sql: CASE
           WHEN ${TABLE}.sourceipaddress IS NULL THEN NULL
           WHEN ${TABLE}.sourceipaddress = 'AWS Internal' THEN 'AWS internal'
           WHEN ${TABLE}.sourceipaddress LIKE '%.amazonaws.com' THEN 'AWS service'
           WHEN ${source_ip_int} IS NOT NULL THEN
             CASE
               WHEN ${source_ip_int} BETWEEN 167772160 AND 184549375
                 OR ${source_ip_int} BETWEEN 2886729728 AND 2887778303
                 OR ${source_ip_int} BETWEEN 3232235520 AND 3232301055 THEN 'private'
               WHEN ${source_ip_int} BETWEEN 2130706432 AND 2147483647 THEN 'loopback'
               WHEN ${source_ip_int} BETWEEN 2851995648 AND 2852061183 THEN 'link-local'
               ELSE 'public'
             END
           WHEN strpos(${TABLE}.sourceipaddress, ':') > 0 THEN
             CASE
               WHEN lower(${TABLE}.sourceipaddress) = '::1' THEN 'loopback'
               WHEN lower(${TABLE}.sourceipaddress) LIKE 'fe80:%' THEN 'link-local'
               WHEN lower(${TABLE}.sourceipaddress) LIKE 'fc%' OR lower(${TABLE}.sourceipaddress) LIKE 'fd%' THEN 'private'
               ELSE 'public'
             END
           ELSE 'other'
         END ;;
  }

  dimension: is_aws_service_source {
    group_label: "Source"
    label: "Is AWS Service Source"
    description: "The call came from an AWS service (sourceIPAddress is a service name or 'AWS Internal')."
    type: yesno
    sql: ${TABLE}.sourceipaddress = 'AWS Internal' OR ${TABLE}.sourceipaddress LIKE '%.amazonaws.com' ;;
  }

  # ------------------------------------------------------------------ EC2 security groups
  # requestParameters of the EC2 security group calls, e.g. for AuthorizeSecurityGroupIngress:
  # {"groupId": "sg-..", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22,
  #  "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {...}}]}}

  dimension: is_security_group_change {
    group_label: "Security Groups"
    label: "Is Security Group Change"
    description: "An EC2 call that creates, deletes or changes a security group or its rules (failed attempts included; see Error Code)."
    type: yesno
    sql: ${TABLE}.eventsource = 'ec2.amazonaws.com'
      AND ${TABLE}.eventname IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress',
                                 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
                                 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules',
                                 'UpdateSecurityGroupRuleDescriptionsIngress',
                                 'UpdateSecurityGroupRuleDescriptionsEgress') ;;
  }

  dimension: security_group_change_type {
    group_label: "Security Groups"
    type: string
    sql: CASE WHEN ${TABLE}.eventsource = 'ec2.amazonaws.com' THEN
           CASE ${TABLE}.eventname
             WHEN 'CreateSecurityGroup' THEN 'group created'
             WHEN 'DeleteSecurityGroup' THEN 'group deleted'
             WHEN 'AuthorizeSecurityGroupIngress' THEN 'ingress rule added'
             WHEN 'AuthorizeSecurityGroupEgress' THEN 'egress rule added'
             WHEN 'RevokeSecurityGroupIngress' THEN 'ingress rule removed'
             WHEN 'RevokeSecurityGroupEgress' THEN 'egress rule removed'
             WHEN 'ModifySecurityGroupRules' THEN 'rule modified'
             WHEN 'UpdateSecurityGroupRuleDescriptionsIngress' THEN 'rule description updated'
             WHEN 'UpdateSecurityGroupRuleDescriptionsEgress' THEN 'rule description updated'
           END
         END ;;
  }

  dimension: security_group_id {
    group_label: "Security Groups"
    label: "Security Group ID"
    description: "From the request, or from the response for CreateSecurityGroup."
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.groupId'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.GroupId'),
                    json_extract_scalar(${TABLE}.responseelements, '$.groupId'))
         END ;;
  }

  dimension: security_group_name {
    group_label: "Security Groups"
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN json_extract_scalar(${TABLE}.requestparameters, '$.groupName') END ;;
  }

  dimension: security_group_vpc_id {
    group_label: "Security Groups"
    label: "Security Group VPC ID"
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN json_extract_scalar(${TABLE}.requestparameters, '$.vpcId') END ;;
  }

  dimension: security_group_direction {
    group_label: "Security Groups"
    description: "ingress or egress, from the API name."
    type: string
    sql: CASE
           WHEN ${is_security_group_change} AND ${TABLE}.eventname LIKE '%Ingress' THEN 'ingress'
           WHEN ${is_security_group_change} AND ${TABLE}.eventname LIKE '%Egress' THEN 'egress'
         END ;;
  }

  dimension: security_group_ip_protocol {
    hidden: yes
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].ipProtocol'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.ipProtocol'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.IpProtocol'))
         END ;;
  }

  dimension: security_group_protocol {
    group_label: "Security Groups"
    description: "Protocol of the (first) rule: tcp, udp, icmp, all..."
    type: string
    sql: CASE ${security_group_ip_protocol}
           WHEN '-1' THEN 'all'
           WHEN '6' THEN 'tcp'
           WHEN '17' THEN 'udp'
           WHEN '1' THEN 'icmp'
           WHEN '58' THEN 'icmpv6'
           ELSE lower(${security_group_ip_protocol})
         END ;;
  }

  dimension: security_group_from_port {
    group_label: "Security Groups"
    type: number
    sql: CASE WHEN ${is_security_group_change} THEN
           TRY_CAST(COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].fromPort'),
                             json_extract_scalar(${TABLE}.requestparameters, '$.fromPort'),
                             json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.FromPort')) AS INTEGER)
         END ;;
  }

  dimension: security_group_to_port {
    group_label: "Security Groups"
    type: number
    sql: CASE WHEN ${is_security_group_change} THEN
           TRY_CAST(COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].toPort'),
                             json_extract_scalar(${TABLE}.requestparameters, '$.toPort'),
                             json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.ToPort')) AS INTEGER)
         END ;;
  }

  dimension: security_group_ports {
    group_label: "Security Groups"
    description: "Port or port range of the (first) rule: '22', '8000-8080', or 'all'."
    type: string
    sql: CASE
           WHEN ${security_group_ip_protocol} = '-1' THEN 'all'
           WHEN ${security_group_from_port} IS NULL THEN NULL
           WHEN ${security_group_from_port} = ${security_group_to_port} THEN CAST(${security_group_from_port} AS VARCHAR)
           ELSE CAST(${security_group_from_port} AS VARCHAR) || '-' || CAST(${security_group_to_port} AS VARCHAR)
         END ;;
  }

  dimension: security_group_rules_json {
    hidden: yes
    description: "The rules part of the request as JSON text (ipPermissions, or ModifySecurityGroupRules' request)."
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           COALESCE(json_format(json_extract(${TABLE}.requestparameters, '$.ipPermissions')),
                    json_format(json_extract(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest')))
         END ;;
  }

  dimension: security_group_cidr_ipv4 {
    group_label: "Security Groups"
    label: "Security Group CIDR IPv4"
    description: "First IPv4 range of the (first) rule."
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].ipRanges.items[0].cidrIp'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.cidrIp'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv4'))
         END ;;
  }

  dimension: security_group_cidr_ipv6 {
    group_label: "Security Groups"
    label: "Security Group CIDR IPv6"
    description: "First IPv6 range of the (first) rule."
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].ipv6Ranges.items[0].cidrIpv6'),
                    json_extract_scalar(${TABLE}.requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv6'))
         END ;;
  }

  dimension: security_group_cidrs {
    group_label: "Security Groups"
    label: "Security Group CIDRs"
    description: "Every IPv4 and IPv6 range the request names, comma separated."
    type: string
    sql: COALESCE(
           NULLIF(array_join(regexp_extract_all(${security_group_rules_json}, '"(?:cidrIp|cidrIpv6|CidrIpv4|CidrIpv6)"\s*:\s*"([^"]+)"', 1), ', '), ''),
           CASE WHEN ${is_security_group_change} THEN json_extract_scalar(${TABLE}.requestparameters, '$.cidrIp') END) ;;
  }

  dimension: security_group_source_group_id {
    group_label: "Security Groups"
    label: "Security Group Source Group ID"
    description: "Security group the (first) rule lets traffic from or to, when the rule names a group instead of a range."
    type: string
    sql: CASE WHEN ${is_security_group_change} THEN
           json_extract_scalar(${TABLE}.requestparameters, '$.ipPermissions.items[0].groups.items[0].groupId')
         END ;;
  }

  dimension: security_group_world_cidr_in_request {
    group_label: "Security Groups"
    label: "Security Group World CIDR In Request"
    description: "A range open to every address (prefix length 0: 0.0.0.0/0, ::/0, or any address written with /0) appears anywhere in the request's rules (for any security group call, adding or removing)."
    type: yesno
    sql: ${is_security_group_change}
      AND (regexp_like(COALESCE(${security_group_rules_json}, ''), '"(?:cidrIp|cidrIpv6|CidrIpv4|CidrIpv6)"\s*:\s*"[0-9A-Fa-f.:]+/0"')
           OR regexp_like(COALESCE(json_extract_scalar(${TABLE}.requestparameters, '$.cidrIp'), ''), '^[0-9A-Fa-f.:]+/0$')) ;;
  }

  dimension: opens_to_world {
    group_label: "Security Groups"
    label: "Opens To World"
    description: "A successful INGRESS rule addition whose ranges include 0.0.0.0/0 or ::/0: AuthorizeSecurityGroupIngress, or ModifySecurityGroupRules (its event names the rule ID but not the rule's direction, so a rule modified to a world range is counted here, on the safe side). Egress to the world is Egress To World."
    type: yesno
    sql: ${security_group_world_cidr_in_request}
      AND ${TABLE}.eventname IN ('AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules')
      AND NULLIF(${TABLE}.errorcode, '') IS NULL ;;
  }

  dimension: egress_to_world {
    group_label: "Security Groups"
    label: "Egress To World"
    description: "A successful AuthorizeSecurityGroupEgress whose ranges include 0.0.0.0/0 or ::/0 (outbound traffic allowed to anywhere: what Terraform and CloudFormation add to every security group they create)."
    type: yesno
    sql: ${security_group_world_cidr_in_request}
      AND ${TABLE}.eventname = 'AuthorizeSecurityGroupEgress'
      AND NULLIF(${TABLE}.errorcode, '') IS NULL ;;
  }

  # ------------------------------------------------------------------ CIS AWS Foundations 4.1-4.15
  # The benchmark's CloudWatch Logs metric filters, written in SQL (v1.5 wording).

  dimension: cis_4_1_unauthorized_api_calls {
    group_label: "CIS Controls"
    label: "CIS 4.1 Unauthorized API Calls"
    type: yesno
    sql: (NULLIF(${TABLE}.errorcode, '') LIKE '%UnauthorizedOperation' OR NULLIF(${TABLE}.errorcode, '') LIKE 'AccessDenied%')
      AND COALESCE(${TABLE}.sourceipaddress, '') <> 'delivery.logs.amazonaws.com'
      AND COALESCE(${TABLE}.eventname, '') <> 'HeadBucket' ;;
  }

  dimension: cis_4_2_console_signin_without_mfa {
    group_label: "CIS Controls"
    label: "CIS 4.2 Console Sign-in Without MFA"
    description: "The benchmark's SSO-aware variant: IAM users' successful console logins without MFA."
    type: yesno
    sql: ${TABLE}.eventname = 'ConsoleLogin'
      AND COALESCE(json_extract_scalar(${TABLE}.additionaleventdata, '$.MFAUsed'), '') <> 'Yes'
      AND ${TABLE}.useridentity.type = 'IAMUser'
      AND json_extract_scalar(${TABLE}.responseelements, '$.ConsoleLogin') = 'Success' ;;
  }

  dimension: cis_4_3_root_account_usage {
    group_label: "CIS Controls"
    label: "CIS 4.3 Root Account Usage"
    type: yesno
    sql: ${TABLE}.useridentity.type = 'Root'
      AND ${TABLE}.useridentity.invokedby IS NULL
      AND COALESCE(${TABLE}.eventtype, '') <> 'AwsServiceEvent' ;;
  }

  dimension: cis_4_4_iam_policy_changes {
    group_label: "CIS Controls"
    label: "CIS 4.4 IAM Policy Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy',
                                'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
                                'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion',
                                'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy',
                                'AttachGroupPolicy', 'DetachGroupPolicy') ;;
  }

  dimension: cis_4_5_cloudtrail_config_changes {
    group_label: "CIS Controls"
    label: "CIS 4.5 CloudTrail Configuration Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging') ;;
  }

  dimension: cis_4_6_console_auth_failures {
    group_label: "CIS Controls"
    label: "CIS 4.6 Console Authentication Failures"
    type: yesno
    sql: ${TABLE}.eventname = 'ConsoleLogin' AND ${TABLE}.errormessage = 'Failed authentication' ;;
  }

  dimension: cis_4_7_cmk_disable_or_deletion {
    group_label: "CIS Controls"
    label: "CIS 4.7 Disabling or Scheduled Deletion of CMKs"
    type: yesno
    sql: ${TABLE}.eventsource = 'kms.amazonaws.com'
      AND ${TABLE}.eventname IN ('DisableKey', 'ScheduleKeyDeletion') ;;
  }

  dimension: cis_4_8_s3_bucket_policy_changes {
    group_label: "CIS Controls"
    label: "CIS 4.8 S3 Bucket Policy Changes"
    type: yesno
    sql: ${TABLE}.eventsource = 's3.amazonaws.com'
      AND ${TABLE}.eventname IN ('PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle',
                                 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors',
                                 'DeleteBucketLifecycle', 'DeleteBucketReplication') ;;
  }

  dimension: cis_4_9_aws_config_changes {
    group_label: "CIS Controls"
    label: "CIS 4.9 AWS Config Configuration Changes"
    type: yesno
    sql: ${TABLE}.eventsource = 'config.amazonaws.com'
      AND ${TABLE}.eventname IN ('StopConfigurationRecorder', 'DeleteDeliveryChannel',
                                 'PutDeliveryChannel', 'PutConfigurationRecorder') ;;
  }

  dimension: cis_4_10_security_group_changes {
    group_label: "CIS Controls"
    label: "CIS 4.10 Security Group Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress',
                                'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
                                'CreateSecurityGroup', 'DeleteSecurityGroup') ;;
  }

  dimension: cis_4_11_nacl_changes {
    group_label: "CIS Controls"
    label: "CIS 4.11 Network ACL Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl',
                                'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation') ;;
  }

  dimension: cis_4_12_network_gateway_changes {
    group_label: "CIS Controls"
    label: "CIS 4.12 Network Gateway Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway',
                                'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway') ;;
  }

  dimension: cis_4_13_route_table_changes {
    group_label: "CIS Controls"
    label: "CIS 4.13 Route Table Changes"
    type: yesno
    sql: ${TABLE}.eventsource = 'ec2.amazonaws.com'
      AND ${TABLE}.eventname IN ('CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation',
                                 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable') ;;
  }

  dimension: cis_4_14_vpc_changes {
    group_label: "CIS Controls"
    label: "CIS 4.14 VPC Changes"
    type: yesno
    sql: ${TABLE}.eventname IN ('CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection',
                                'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection',
                                'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc',
                                'DisableVpcClassicLink', 'EnableVpcClassicLink') ;;
  }

  dimension: cis_4_15_organizations_changes {
    group_label: "CIS Controls"
    label: "CIS 4.15 AWS Organizations Changes"
    type: yesno
    sql: ${TABLE}.eventsource = 'organizations.amazonaws.com'
      AND ${TABLE}.eventname IN ('AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit',
                                 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization',
                                 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy',
                                 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization',
                                 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization',
                                 'UpdatePolicy', 'UpdateOrganizationalUnit') ;;
  }

  dimension: cis_control {
    group_label: "CIS Controls"
    label: "CIS Control"
    description: "The first CIS 4.x control (by number) the event matches; empty when it matches none. An event can match more than one (e.g. a denied security group change is 4.1 and 4.10): count a control with its own yes/no field."
    type: string
    # sorted (and pivoted) by number: 4.1, 4.2 ... 4.10, not as text (4.1, 4.10, 4.11, 4.2); each value
    # is its control's tile title on the CIS dashboard (the pivot's series headings match the tiles)
    order_by_field: cis_control_number
    sql: CASE
           WHEN ${cis_4_1_unauthorized_api_calls} THEN '4.1 Unauthorized API calls'
           WHEN ${cis_4_2_console_signin_without_mfa} THEN '4.2 Console sign-in without MFA'
           WHEN ${cis_4_3_root_account_usage} THEN '4.3 Root account usage'
           WHEN ${cis_4_4_iam_policy_changes} THEN '4.4 IAM policy changes'
           WHEN ${cis_4_5_cloudtrail_config_changes} THEN '4.5 CloudTrail configuration changes'
           WHEN ${cis_4_6_console_auth_failures} THEN '4.6 Console authentication failures'
           WHEN ${cis_4_7_cmk_disable_or_deletion} THEN '4.7 CMKs disabled or scheduled for deletion'
           WHEN ${cis_4_8_s3_bucket_policy_changes} THEN '4.8 S3 bucket policy changes'
           WHEN ${cis_4_9_aws_config_changes} THEN '4.9 AWS Config changes'
           WHEN ${cis_4_10_security_group_changes} THEN '4.10 Security group changes'
           WHEN ${cis_4_11_nacl_changes} THEN '4.11 Network ACL changes'
           WHEN ${cis_4_12_network_gateway_changes} THEN '4.12 Network gateway changes'
           WHEN ${cis_4_13_route_table_changes} THEN '4.13 Route table changes'
           WHEN ${cis_4_14_vpc_changes} THEN '4.14 VPC changes'
           WHEN ${cis_4_15_organizations_changes} THEN '4.15 AWS Organizations changes'
         END ;;
  }

  dimension: cis_control_number {
    group_label: "CIS Controls"
    label: "CIS Control Number"
    description: "The number of the CIS 4.x control in CIS Control (4.10 is 10): its sort order."
    hidden: yes
    type: number
    sql: CASE
           WHEN ${cis_4_1_unauthorized_api_calls} THEN 1
           WHEN ${cis_4_2_console_signin_without_mfa} THEN 2
           WHEN ${cis_4_3_root_account_usage} THEN 3
           WHEN ${cis_4_4_iam_policy_changes} THEN 4
           WHEN ${cis_4_5_cloudtrail_config_changes} THEN 5
           WHEN ${cis_4_6_console_auth_failures} THEN 6
           WHEN ${cis_4_7_cmk_disable_or_deletion} THEN 7
           WHEN ${cis_4_8_s3_bucket_policy_changes} THEN 8
           WHEN ${cis_4_9_aws_config_changes} THEN 9
           WHEN ${cis_4_10_security_group_changes} THEN 10
           WHEN ${cis_4_11_nacl_changes} THEN 11
           WHEN ${cis_4_12_network_gateway_changes} THEN 12
           WHEN ${cis_4_13_route_table_changes} THEN 13
           WHEN ${cis_4_14_vpc_changes} THEN 14
           WHEN ${cis_4_15_organizations_changes} THEN 15
         END ;;
  }

  # ------------------------------------------------------------------ measures
  # Counts and distinct counts only: right under any join, no symmetric aggregates needed.

  measure: events {
    label: "Events"
    type: count
    drill_fields: [event_detail*]
  }

  measure: errors {
    label: "Errors"
    type: count
    filters: [is_error: "Yes"]
    drill_fields: [error_detail*]
  }

  measure: error_rate {
    label: "Error Rate"
    description: "Errors / events (empty when there are no events)."
    type: number
    sql: CAST(${errors} AS DOUBLE) / NULLIF(${events}, 0) ;;
    value_format_name: percent_2
  }

  measure: console_logins {
    label: "Console Logins"
    type: count
    filters: [is_console_login: "Yes"]
    drill_fields: [login_detail*]
  }

  measure: console_login_successes {
    label: "Console Login Successes"
    type: count
    filters: [is_console_login: "Yes", console_login_result: "Success"]
    drill_fields: [login_detail*]
  }

  measure: console_login_failures {
    label: "Console Login Failures"
    type: count
    filters: [is_console_login: "Yes", console_login_result: "Failure"]
    drill_fields: [login_detail*]
  }

  measure: logins_without_mfa {
    label: "Console Logins Without MFA"
    type: count
    filters: [is_console_login_without_mfa: "Yes"]
    drill_fields: [login_detail*]
  }

  measure: distinct_actors {
    label: "Distinct Actors"
    type: count_distinct
    sql: ${actor} ;;
    drill_fields: [actor, events, errors]
  }

  measure: distinct_users {
    label: "Distinct Users"
    description: "Distinct values of User (people: SSO and SAML sessions counted per person, not per role)."
    type: count_distinct
    sql: ${user} ;;
    drill_fields: [user, events, errors]
  }

  measure: distinct_source_ips {
    label: "Distinct Source IPs"
    type: count_distinct
    sql: ${source_ip} ;;
    drill_fields: [source_ip, source_ip_type, events]
  }

  measure: distinct_accounts {
    label: "Distinct Accounts"
    type: count_distinct
    sql: ${account_id} ;;
    drill_fields: [account_id, events]
  }

  measure: security_group_changes {
    label: "Security Group Changes"
    type: count
    filters: [is_security_group_change: "Yes"]
    drill_fields: [security_group_detail*]
  }

  measure: world_open_changes {
    label: "Changes Opening to the World"
    description: "Successful security group ingress rule additions that include 0.0.0.0/0 or ::/0 (see Opens To World)."
    type: count
    filters: [opens_to_world: "Yes"]
    drill_fields: [security_group_detail*]
  }

  measure: world_egress_changes {
    label: "Egress Rules Opened to the World"
    description: "Successful AuthorizeSecurityGroupEgress calls that include 0.0.0.0/0 or ::/0 (see Egress To World)."
    type: count
    filters: [egress_to_world: "Yes"]
    drill_fields: [security_group_detail*]
  }

  measure: root_events {
    label: "Root Events"
    description: "Root account usage as CIS 4.3 counts it."
    type: count
    filters: [is_root_activity: "Yes"]
    drill_fields: [event_detail*]
  }

  measure: access_denied_events {
    label: "Access Denied Events"
    type: count
    filters: [error_family: "access denied"]
    drill_fields: [error_detail*]
  }

  measure: event_id_count {
    hidden: yes
    description: "Distinct event keys (see Event Key); equals Events unless a join repeats events (checked by a data test)."
    type: count_distinct
    sql: ${event_key} ;;
  }

  measure: events_outside_partition_margin {
    hidden: yes
    type: count
    filters: [is_outside_partition_margin: "Yes"]
  }

  measure: events_logged_for_other_account {
    hidden: yes
    type: count
    filters: [is_logged_for_other_account: "Yes"]
  }

  # ------------------------------------------------------------------ drill sets

  set: event_detail {
    fields: [event_time, account_id, aws_region, actor, user_identity_type, event_source, event_name,
             source_ip, error_code, event_id]
  }

  set: error_detail {
    fields: [event_time, account_id, aws_region, actor, event_source, event_name, error_code, error_message,
             source_ip, event_id]
  }

  set: login_detail {
    fields: [event_time, user, actor, user_identity_type, user_arn, console_login_result, console_login_mfa_used,
             console_login_failure_reason, source_ip, user_agent, event_id]
  }

  set: security_group_detail {
    fields: [event_time, user, actor, source_ip, account_id, aws_region, security_group_change_type,
             security_group_id, security_group_name, security_group_direction, security_group_protocol,
             security_group_ports, security_group_cidrs, opens_to_world, egress_to_world, error_code, event_id]
  }
}
