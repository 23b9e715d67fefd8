connection: "athena"
include: "/views/*.view.lkml"
include: "/explores/*.explore.lkml"
include: "/view/*.view.lkml"  # expect: LKM002
