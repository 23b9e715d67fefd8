view: a_child {
  extends: [zz_template, zz_mixin]
  sql_table_name: shop.child ;;
}
