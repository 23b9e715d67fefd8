connection: "bq_marketing"
label: "Marketing"

include: "/views/marketing/*.view.lkml"
include: "/views/shared/users.view.lkml"
include: "/LookML_Dashboard/*.dashboard.lookml"

explore: campaigns {
  join: preview {
    relationship: one_to_one
    sql_on: ${campaigns.id} = ${preview.campaign_id} ;;
  }
  join: owner {
    from: users
    relationship: many_to_one
    sql_on: ${campaigns.owner_id} = ${owner.id} ;;
  }
}
